/**
 * The outbox of `npm start` against SIGKILL: the real process is killed at each step between a
 * press's commit point and the household's notification list (the commit relay's order item
 * write, then the order events) (RESTOCK_CRASH_AT makes it kill itself
 * exactly there), then started again on the same data folder and ports. The button retries as
 * the firmware does. Afterwards the household has exactly one notification per order event —
 * none lost, none doubled — and nothing is left unpublished.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { Notification } from '../../cloud/core/notifications/notification-store.ts';
import { COMMIT_STEPS, OUTBOX_STEPS } from '../../cloud/local/crash-points.ts';
import { DEMO } from '../../cloud/local/demo.ts';
import { OUTBOX_FILE } from '../../cloud/local/notifications.ts';
import type { RuntimeInfo } from '../../cloud/local/stack.ts';
import { DynamoNotificationStore } from '../../cloud/store/dynamo/dynamo-notification-store.ts';
import { DynamoOutboxStore } from '../../cloud/store/dynamo/dynamo-outbox-store.ts';
import { openTable } from '../../cloud/store/dynamo/table.ts';
import { runtimeOf, startStackProcess, stopAll } from './stack-process.ts';
import { type ConnectedButton, connectButton, freePorts, tempDir } from './support.ts';

const cleanups: (() => Promise<unknown>)[] = [];
afterAll(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup().catch(() => undefined);
  await stopAll();
});

/** Polls the restarted stack's table until the outbox is empty; returns the order's notifications. */
async function deliveredNotifications(runtime: RuntimeInfo, orderId: string, events: number) {
  const table = openTable({ tableName: 'restock', endpoint: runtime.dynamodbEndpoint });
  try {
    const notifications = new DynamoNotificationStore(table);
    const outbox = new DynamoOutboxStore(table);
    const deadline = Date.now() + 60_000;
    let mine: Notification[] = [];
    while (Date.now() < deadline) {
      const page = await notifications.listNotifications(DEMO.householdId, { limit: 100 });
      mine = page.items.filter((n) => n.orderId === orderId);
      const pending = await outbox.pendingChanges(10);
      if (mine.length >= events && pending.length === 0) break;
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    return mine;
  } finally {
    table.raw.destroy();
  }
}

describe('npm start killed inside its outbox', () => {
  it.each([...COMMIT_STEPS, ...OUTBOX_STEPS])(
    'SIGKILL at %s, restart: one notification per event in the household list, none lost',
    async (step) => {
      const data = await tempDir();
      cleanups.push(data.remove);
      const ports = await freePorts(3);
      const first = startStackProcess(data.dir, ports, { RESTOCK_CRASH_AT: step });
      const runtime = await runtimeOf(data.dir, first);
      const button: ConnectedButton = await connectButton({
        dataDir: data.dir,
        deviceId: DEMO.buttons.coffee,
        port: runtime.mqttPort,
        ackTimeoutMs: 1_000,
        maxAttempts: 120,
        reconnectMs: 250,
      });
      cleanups.push(button.close);

      // The press is answered before the drain runs, or re-sent after the restart.
      const placed = button.press('SINGLE');
      expect(await first.exited).toEqual({ code: null, signal: 'SIGKILL' });
      expect(first.output.join('')).toContain(`crash point ${step}: SIGKILL`);

      const second = startStackProcess(data.dir, ports);
      const restarted = await runtimeOf(data.dir, second);
      const order = await placed;
      expect(order).toMatchObject({ outcome: 'ORDERED' });
      // A second event for the same order, through the restarted outbox.
      expect(await button.press('LONG')).toMatchObject({ outcome: 'CANCELLED' });

      const notes = await deliveredNotifications(restarted, order.orderId as string, 2);
      expect(notes.map((n) => n.kind).sort()).toEqual(['OrderCancelled', 'OrderPlaced']);
      expect(new Set(notes.map((n) => n.notificationId)).size).toBe(2);

      // The outbox file shows every event; a line may repeat when the kill came after it.
      const lines = (await readFile(join(data.dir, OUTBOX_FILE), 'utf8'))
        .trim()
        .split('\n')
        .map((line) => JSON.parse(line) as Notification)
        .filter((n) => n.orderId === order.orderId);
      expect(new Set(lines.map((n) => n.kind))).toEqual(new Set(['OrderPlaced', 'OrderCancelled']));
      expect(new Set(lines.map((n) => n.notificationId))).toEqual(
        new Set(notes.map((n) => n.notificationId)),
      );

      second.child.kill('SIGTERM');
      expect(await second.exited).toEqual({ code: 0, signal: null });
    },
    180_000,
  );
});
