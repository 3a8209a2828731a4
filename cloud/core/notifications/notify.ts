/**
 * Turns order events into notifications: the one text per event (in every console language,
 * see texts.ts) that the household reads in the API and the web console, and that the local
 * stack prints and writes to its outbox. The same code runs in the order-event Lambda (the
 * table's stream) and the local stack's outbox relay.
 */

import { inOrderPerKey } from '../events/in-order-per-key.ts';
import type { OrderEvent, OrderEventType } from '../model.ts';
import type { EventSink } from '../ports.ts';
import type { Notification, NotificationStore } from './notification-store.ts';
import { textsFor } from './texts.ts';

/** Sends a notification to the people the household chose (SNS e-mail/SMS in AWS). */
export interface Announcer {
  announce(notification: Notification): Promise<void>;
}

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

/**
 * Every event about a household's order becomes one notification, except changes the household
 * made itself and test orders. Events arrive at least once: the notification's id is the event
 * id, so a redelivery rewrites the same item instead of adding a second one. It is announced
 * only to a household with a subscription (a query costs less than a publish nobody receives);
 * an announcement may repeat when a delivery dies after it and before the event is acknowledged.
 */
export class HouseholdNotifier implements EventSink {
  constructor(
    private readonly store: NotificationStore,
    private readonly announcer?: Announcer,
  ) {}

  /** Households side by side; each household's notifications in the order of their events. */
  async emit(events: OrderEvent[]): Promise<void> {
    const subscribed = new Map<string, Promise<boolean>>();
    const heard = events.filter(
      // A test order is the brand's sandbox: no household hears of it as if it were real.
      (event) => event.order.history.at(-1)?.actor.kind !== 'household' && !event.order.test,
    );
    await inOrderPerKey(
      heard,
      (event) => event.householdId,
      async (event) => {
        const notification = notificationFor(event, event.eventId);
        await this.store.addNotification(notification);
        if (!this.announcer) return;
        let listening = subscribed.get(event.householdId);
        if (!listening) {
          listening = this.store
            .listSubscriptions(event.householdId)
            .then((list) => list.length > 0);
          subscribed.set(event.householdId, listening);
        }
        if (await listening) await this.announcer.announce(notification);
      },
    );
  }
}
