/**
 * Notifications on one machine: every order event the outbox relay publishes becomes a line on
 * the console and a JSON line in the outbox file of the data folder (where a person can read
 * it), then goes on to the household's notifications. In AWS the order-event Lambda does the
 * same from the table's stream. Delivery is at least once: a line may repeat after a crash, with
 * the same notification id (the event id).
 */
import { appendFile, mkdir } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { OrderEvent } from '../core/model.ts';
import type { Notification } from '../core/notifications/notification-store.ts';
import { AUDIENCE, type Audience, notificationFor } from '../core/notifications/notify.ts';
import type { EventSink, Log } from '../core/ports.ts';

export const OUTBOX_FILE = 'outbox.jsonl';

/** One outbox line: the household's notification, with the brand and who should hear of it. */
export type OutboxLine = Notification & { brandId: string; to: readonly Audience[] };

/** Console + outbox file, then `next`. Appends are serialised so lines never interleave. */
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
    const notes: OutboxLine[] = events.map((event) => ({
      ...notificationFor(event, event.eventId),
      brandId: event.brandId,
      to: AUDIENCE[event.type],
    }));
    for (const note of notes) {
      this.log.info(`notify ${note.to.join('+')}: ${note.orderId} ${note.message}`);
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
