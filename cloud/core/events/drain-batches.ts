/**
 * The outboxes (commits, order events, button events) drain in batches of DRAIN_BATCH. A full
 * batch means more may wait; a short one, that the outbox was empty when read.
 */
export const DRAIN_BATCH = 100;

export interface DrainedBatch {
  /** Items written or events published. */
  count: number;
  /** True when the batch was full: read again. */
  more: boolean;
}

/** Drains batch after batch until one is short; returns the total count. */
export async function drainAll(batch: () => Promise<DrainedBatch>): Promise<number> {
  let total = 0;
  for (;;) {
    const { count, more } = await batch();
    total += count;
    if (!more) return total;
  }
}

/**
 * Drains several outboxes a batch of each at a time until a round finds all of them short: a
 * steady stream into one never holds up the others (one drained to the end first would starve
 * the rest meanwhile), and one that came back short is asked again next round, so what arrives
 * there while another works off a long backlog does not wait for the end of that backlog.
 */
export async function drainInTurn(
  batches: readonly (() => Promise<DrainedBatch>)[],
): Promise<number> {
  let total = 0;
  for (;;) {
    let more = false;
    for (const batch of batches) {
      const drained = await batch();
      total += drained.count;
      more ||= drained.more;
    }
    if (!more) return total;
  }
}
