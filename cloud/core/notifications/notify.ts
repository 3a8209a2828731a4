/**
 * Turns order events into household notifications. The API calls it for changes made by
 * someone other than the household; the press pipeline's event sink may call it too.
 */
import type { OrderEvent } from '../model.ts';
import type { Notification } from './notification-store.ts';
import { textsFor } from './texts.ts';

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
