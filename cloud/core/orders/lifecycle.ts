/**
 * The order state machine. Pure: takes an order and returns the next one, or
 * throws IllegalTransitionError. Storage applies the result with a condition on the old status.
 *
 *   NEEDS_CONFIRMATION → PLACED (the cancel window restarts at confirmation) | CANCELLED | EXPIRED
 *   PLACED → CONFIRMED | CANCELLED
 *   CONFIRMED → SHIPPED | CANCELLED (support only: "any order not yet shipped")
 *   SHIPPED → DELIVERED
 */
import { IllegalTransitionError } from '../errors.ts';
import type { Actor, Order, OrderEventType, OrderStatus } from '../model.ts';
import { OPEN_STATUSES } from '../model.ts';

const ALLOWED: Record<OrderStatus, readonly OrderStatus[]> = {
  NEEDS_CONFIRMATION: ['PLACED', 'CANCELLED', 'EXPIRED'],
  PLACED: ['CONFIRMED', 'CANCELLED'],
  CONFIRMED: ['SHIPPED', 'CANCELLED'],
  SHIPPED: ['DELIVERED'],
  DELIVERED: [],
  CANCELLED: [],
  EXPIRED: [],
};

export const EVENT_FOR_STATUS: Record<OrderStatus, OrderEventType> = {
  NEEDS_CONFIRMATION: 'OrderNeedsConfirmation',
  PLACED: 'OrderPlaced',
  CONFIRMED: 'OrderConfirmed',
  SHIPPED: 'OrderShipped',
  DELIVERED: 'OrderDelivered',
  CANCELLED: 'OrderCancelled',
  EXPIRED: 'OrderExpired',
};

/** Waiting on its household and a deadline: the cancel window, or a confirmation. */
export function isWaiting(status: OrderStatus): boolean {
  return status === 'PLACED' || status === 'NEEDS_CONFIRMATION';
}

export function isOpen(status: OrderStatus): boolean {
  return OPEN_STATUSES.includes(status);
}

/**
 * The cancel window: a placed order may be cancelled by its household (or its button's LONG
 * press) until its deadline, when the sweep confirms it; one awaiting confirmation, until it is
 * confirmed or expires.
 */
export function insideCancelWindow(order: Order, now: number): boolean {
  if (order.status === 'NEEDS_CONFIRMATION') return true;
  return order.status === 'PLACED' && now < order.cancelDeadline;
}

export function canTransition(from: OrderStatus, to: OrderStatus, actor: Actor): boolean {
  if (!ALLOWED[from].includes(to)) return false;
  // Once the cancel window is over only support may cancel, and only before shipping.
  if (from === 'CONFIRMED' && to === 'CANCELLED') return actor.kind === 'support';
  return true;
}

export function transition(
  order: Order,
  to: OrderStatus,
  actor: Actor,
  at: number,
  reason?: string,
): Order {
  if (!canTransition(order.status, to, actor)) {
    throw new IllegalTransitionError(order.orderId, order.status, to);
  }
  const entry =
    reason === undefined ? { status: to, at, actor } : { status: to, at, actor, reason };
  const next = { ...order, status: to, history: [...order.history, entry] };
  // A confirmed order gets its whole cancel window, counted from the confirmation.
  if (order.status === 'NEEDS_CONFIRMATION' && to === 'PLACED') {
    next.cancelDeadline = at + order.cancelWindowMinutes * 60_000;
  }
  return next;
}
