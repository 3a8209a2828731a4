/**
 * Where a sequence number stands, chosen from one read of the button and, only when the button
 * cannot tell, the item keyed by the press. Pure: the service acts on the state, the store only
 * reads and writes.
 *
 * - fresh: above the high-water mark; decide it and claim it (the commit point).
 * - pending order: claimed with an order the button still holds; answer from it (its item is
 *   written by the commit relay, or already was).
 * - pending decision: claimed with another decision the button still holds; answer from it. A
 *   cancel's answer depends on the cancel, so its press record is read first (`look-up`): when
 *   there is none, the cancel is completed before answering.
 * - settled: the button no longer holds it and its order item or press record exists; answer
 *   from that.
 * - replayed: at or below the high-water mark and never claimed; refuse it.
 * - look-up: the button cannot tell; read the item keyed by the press and ask again.
 */
import type { Order } from '../model.ts';
import type { LoadedButton, RecentDecision, StoredPress } from './press-store.ts';

export type PressState =
  | { kind: 'fresh' }
  | { kind: 'pending-order'; order: Order }
  | { kind: 'pending-decision'; decision: RecentDecision }
  | { kind: 'settled'; stored: StoredPress }
  | { kind: 'replayed' }
  | { kind: 'look-up' };

/** `stored` is undefined until the item keyed by the press has been read. */
export function pressState(
  button: LoadedButton,
  seq: number,
  stored?: StoredPress | null,
): PressState {
  if (seq > button.highWaterMark) return { kind: 'fresh' };
  const order = button.open.find((open) => open.seq === seq);
  if (order) return { kind: 'pending-order', order };
  const decision = button.recent.find((recent) => recent.seq === seq);
  if (decision && !completesBeforeAck(decision)) return { kind: 'pending-decision', decision };
  if (stored === undefined) return { kind: 'look-up' };
  if (stored) return { kind: 'settled', stored };
  return decision ? { kind: 'pending-decision', decision } : { kind: 'replayed' };
}

/** Recent non-order decisions a button keeps once the commit relay has written their records. */
const RECENT_DECISIONS = 4;
/** The most decisions a button holds, so a long-stalled relay cannot grow its item unbounded. */
const MAX_HELD_DECISIONS = 16;

/**
 * The button's recent decisions after `decision` (`kept`): the newest RECENT_DECISIONS, and every
 * one the commit relay may not have written yet, up to MAX_HELD_DECISIONS. The relay reads its
 * decisions from the button, and a retry is answered from it until the press record exists, so
 * one dropped before its record is written would be lost and its retry answered REPLAYED: the
 * service writes those (`unwritten`) before its claim drops them. A stream carries each claim's
 * own copy, so there the newest are enough.
 */
export function keptDecisions(
  button: LoadedButton,
  decision: RecentDecision,
): { kept: RecentDecision[]; unwritten: RecentDecision[] } {
  const all = [...button.recent, decision];
  const { owedFrom } = button;
  const owed = (held: RecentDecision) => owedFrom !== undefined && held.seq >= owedFrom;
  const kept = all
    .filter((held, i) => i >= all.length - RECENT_DECISIONS || owed(held))
    .slice(-MAX_HELD_DECISIONS);
  return { kept, unwritten: all.filter((held) => owed(held) && !kept.includes(held)) };
}

/** A cancel's answer depends on whether the order could still be cancelled. */
export function completesBeforeAck(decision: RecentDecision): boolean {
  return decision.outcome === 'CANCELLED' && decision.orderId !== null;
}
