/**
 * The support queue: open orders the accidental-order guard held or flagged, across
 * households, while support can still cancel them (any status before SHIPPED).
 */
import type { Order, OrderStatus } from '../model.ts';

export const CANCELLABLE_BY_SUPPORT: readonly OrderStatus[] = [
  'NEEDS_CONFIRMATION',
  'PLACED',
  'CONFIRMED',
];

export function isFlaggedForSupport(order: Order): boolean {
  return Boolean(order.guard) && CANCELLABLE_BY_SUPPORT.includes(order.status);
}
