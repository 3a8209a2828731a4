/**
 * Notifications on one machine: every order event the outbox relay publishes becomes a line on
 * the console and a JSON line in the outbox file of the data folder (where a person can read
 * it), then goes on to the household's notifications. In AWS the same events go to EventBridge
 * and the notification Lambda. Delivery is at least once: a line may repeat after a crash, with
 * the same `eventId`.
 */
import { appendFile, mkdir } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { OrderEvent, OrderEventType } from '../core/model.ts';
import type { EventSink, Log } from '../core/ports.ts';

export const OUTBOX_FILE = 'outbox.jsonl';

export interface Notification {
  eventId: string;
  at: string;
  type: OrderEventType;
  orderId: string;
  householdId: string;
  brandId: string;
  /** Who should hear about it. */
  to: ('household' | 'brand')[];
  text: string;
}

const AUDIENCE: Record<OrderEventType, Notification['to']> = {
  OrderPlaced: ['household'],
  OrderNeedsConfirmation: ['household'],
  OrderConfirmed: ['household', 'brand'],
  OrderCancelled: ['household', 'brand'],
  OrderShipped: ['household'],
  OrderDelivered: ['household'],
  OrderExpired: ['household'],
};

export function notificationFor(event: OrderEvent): Notification {
  const o = event.order;
  const price = `${(o.unitPriceCents / 100).toFixed(2)} ${o.currency}`;
  const what = `${o.quantity} × ${o.skuName} at ${price}`;
  const texts: Record<OrderEventType, string> = {
    OrderPlaced: `Order ${o.orderId} placed: ${what}; it can be cancelled until ${new Date(o.cancelDeadline).toISOString()}`,
    OrderNeedsConfirmation: `Order ${o.orderId} needs your confirmation: ${what} (accepted price ${o.acceptedPriceCents === null ? 'none yet' : `${(o.acceptedPriceCents / 100).toFixed(2)} ${o.currency}`})`,
    OrderConfirmed: `Order ${o.orderId} confirmed and sent to the brand: ${what}`,
    OrderCancelled: `Order ${o.orderId} cancelled${lastReason(event)}`,
    OrderShipped: `Order ${o.orderId} shipped`,
    OrderDelivered: `Order ${o.orderId} delivered`,
    OrderExpired: `Order ${o.orderId} expired without confirmation`,
  };
  return {
    eventId: event.eventId,
    at: new Date(event.at).toISOString(),
    type: event.type,
    orderId: event.orderId,
    householdId: event.householdId,
    brandId: event.brandId,
    to: AUDIENCE[event.type],
    text: texts[event.type],
  };
}

function lastReason(event: OrderEvent): string {
  const last = event.order.history[event.order.history.length - 1];
  if (!last) return '';
  const by = ` by ${last.actor.kind}`;
  return last.reason ? `${by} (${last.reason})` : by;
}

/** Console + outbox file. Appends are serialised so lines never interleave. */
export class LocalNotifier implements EventSink {
  private chain: Promise<void> = Promise.resolve();
  readonly path: string;

  constructor(
    dataDir: string,
    private readonly log: Log,
    private readonly next?: EventSink,
  ) {
    this.path = join(dataDir, OUTBOX_FILE);
  }

  async emit(events: OrderEvent[]): Promise<void> {
    const notes = events.map(notificationFor);
    for (const note of notes) {
      this.log.info(`notify ${note.to.join('+')}: ${note.text}`);
    }
    const lines = notes.map((n) => `${JSON.stringify(n)}\n`).join('');
    const write = this.chain.then(async () => {
      await mkdir(dirname(this.path), { recursive: true });
      await appendFile(this.path, lines);
    });
    this.chain = write.catch(() => undefined);
    await write;
    await this.next?.emit(events);
  }
}
