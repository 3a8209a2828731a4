/**
 * Turns order events into notifications: the one text per event (in every console language,
 * see texts.ts) that the household reads in the API and the web console, and that the local
 * stack prints and writes to its outbox. The API calls it for changes made by someone other
 * than the household; the press pipeline's event sink calls it for the rest.
 */
import type { OrderEvent, OrderEventType } from '../model.ts';
import type { Notification } from './notification-store.ts';
import { textsFor } from './texts.ts';

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

export function notificationFor(event: OrderEvent, notificationId: string): Notification {
  const texts = textsFor(event);
  return {
    householdId: event.householdId,
    notificationId,
    at: event.at,
    kind: event.type,
    orderId: event.orderId,
    message: texts.en,
    texts,
  };
}
