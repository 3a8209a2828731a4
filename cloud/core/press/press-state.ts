/**
 * Where a sequence number stands, chosen from what one read of the button (and the item keyed by
 * the press) returned. Pure: the service acts on the state, the store only reads and writes.
 *
 * - fresh: above the high-water mark; decide it and claim it (the commit point).
 * - pending order: claimed with an order that has no order item yet; write it (after the ack).
 * - pending decision: claimed with another decision that has no press record yet; write it.
 * - settled: its order item or press record exists; answer from it, write nothing.
 * - replayed: at or below the high-water mark and never claimed; refuse it.
 */
import type { Order } from '../model.ts';
import type { LoadedButton, RecentDecision, StoredPress } from './press-store.ts';

export type PressState =
  | { kind: 'fresh' }
  | { kind: 'pending-order'; order: Order }
  | { kind: 'pending-decision'; decision: RecentDecision }
  | { kind: 'settled'; stored: StoredPress }
  | { kind: 'replayed' };

export function pressState(
  button: LoadedButton,
  stored: StoredPress | null,
  seq: number,
): PressState {
  if (stored) return { kind: 'settled', stored };
  if (seq > button.highWaterMark) return { kind: 'fresh' };
  const order = button.open.find((open) => open.seq === seq);
  if (order) return { kind: 'pending-order', order };
  const decision = button.recent.find((recent) => recent.seq === seq);
  if (decision) return { kind: 'pending-decision', decision };
  return { kind: 'replayed' };
}
