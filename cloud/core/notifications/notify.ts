/**
 * Turns order events into notifications: the one text per event that the household reads in the
 * API and the web console, and that the local stack prints and writes to its outbox. The API
 * calls it for changes made by someone other than the household; the press pipeline's event
 * sink calls it for the rest.
 */
import type { OrderEvent, OrderEventType } from '../model.ts';
import type { Notification } from './notification-store.ts';

export type Audience = 'household' | 'brand';

/** Who hears of each event: the brand only of orders it must ship or must not ship. */
export const AUDIENCE: Record<OrderEventType, readonly Audience[]> = {
  OrderPlaced: ['household'],
  OrderNeedsConfirmation: ['household'],
  OrderConfirmed: ['household', 'brand'],
  OrderCancelled: ['household', 'brand'],
  OrderShipped: ['household'],
  OrderDelivered: ['household'],
  OrderExpired: ['household'],
};

const MESSAGES: Record<OrderEvent['type'], (e: OrderEvent) => string> = {
  OrderPlaced: (e) => `Ordered ${e.order.quantity} × ${e.order.skuName}.`,
  OrderNeedsConfirmation: (e) =>
    `${e.order.skuName} now costs ${e.order.unitPriceCents} ${e.order.currency} (minor units): please confirm or decline.`,
  OrderConfirmed: (e) => `Your order of ${e.order.skuName} is confirmed.`,
  OrderCancelled: (e) => {
    const last = e.order.history.at(-1);
    return `Your order of ${e.order.skuName} was cancelled${last?.reason ? `: ${last.reason}` : '.'}`;
  },
  OrderShipped: (e) => `Your order of ${e.order.skuName} has shipped.`,
  OrderDelivered: (e) => `Your order of ${e.order.skuName} was delivered.`,
  OrderExpired: (e) => `Your unconfirmed order of ${e.order.skuName} expired.`,
};

export function notificationFor(event: OrderEvent, notificationId: string): Notification {
  return {
    householdId: event.householdId,
    notificationId,
    at: event.at,
    kind: event.type,
    orderId: event.orderId,
    message: MESSAGES[event.type](event),
  };
}
