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
 * id, so a redelivery rewrites the same item instead of adding a second one — which also makes
 * writing a whole batch's notifications in batched puts as safe as writing them one by one.
 * Each is announced only once it is written, and only to a household with a subscription (a
 * query costs less than a publish nobody receives); an announcement may repeat when a delivery
 * dies after it and before the event is acknowledged.
 */
export class HouseholdNotifier implements EventSink {
  constructor(
    private readonly store: NotificationStore,
    private readonly announcer?: Announcer,
  ) {}

  /** All written first; then announced, households side by side, each in its events' order. */
  async emit(events: OrderEvent[]): Promise<void> {
    const notifications = events
      // A test order is the brand's sandbox: no household hears of it as if it were real.
      .filter((e) => e.order.history.at(-1)?.actor.kind !== 'household' && !e.order.test)
      .map((event) => notificationFor(event, event.eventId));
    if (notifications.length === 0) return;
    await this.store.addNotifications(notifications);
    const announcer = this.announcer;
    if (!announcer) return;
    const subscribed = new Map<string, Promise<boolean>>();
    await inOrderPerKey(
      notifications,
      (notification) => notification.householdId,
      async (notification) => {
        const { householdId } = notification;
        let listening = subscribed.get(householdId);
        if (!listening) {
          listening = this.store.listSubscriptions(householdId).then((list) => list.length > 0);
          subscribed.set(householdId, listening);
        }
        if (await listening) await announcer.announce(notification);
      },
    );
  }
}
