/**
 * Notifications on one machine: every order event becomes a line on the console and a JSON line
 * in the outbox file of the data folder (where the API and a person can read it). In AWS the
 * same events go to EventBridge and the notification service.
 */

import { randomUUID } from 'node:crypto';
import { appendFile, mkdir } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { OrderEvent } from '../core/model.ts';
import type { Notification, NotificationStore } from '../core/notifications/notification-store.ts';
import { AUDIENCE, type Audience, notificationFor } from '../core/notifications/notify.ts';
import type { EventSink, Log } from '../core/ports.ts';

export const OUTBOX_FILE = 'outbox.jsonl';

/** One outbox line: the household's notification, with the brand and who should hear of it. */
export type OutboxLine = Notification & { brandId: string; to: readonly Audience[] };

/**
 * Console + outbox file, and (where given) the household's notifications in the store, all with
 * the same notification. Appends are serialised so lines never interleave.
 */
export class LocalNotifier implements EventSink {
  private chain: Promise<void> = Promise.resolve();
  readonly path: string;

  constructor(
    dataDir: string,
    private readonly log: Log,
    private readonly store?: NotificationStore,
  ) {
    this.path = join(dataDir, OUTBOX_FILE);
  }

  async emit(events: OrderEvent[]): Promise<void> {
    const notes: OutboxLine[] = events.map((event) => ({
      ...notificationFor(event, randomUUID()),
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
    for (const { brandId: _brandId, to: _to, ...notification } of notes) {
      await this.store?.addNotification(notification);
    }
  }
}
