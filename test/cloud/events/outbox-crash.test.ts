/**
 * Events are never lost and never notified twice: for every step between the order write and
 * the household's notification list, the worker dies at that step (before the call, or after it
 * with the response lost), a fresh one takes over, and the household ends with exactly one
 * notification per event. Both delivery paths run: the local stack's relay draining the table,
 * and AWS's stream → order-event Lambda (notifications and SNS, statistics, webhook queue, and
 * the brand bus).
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { marshall } from '@aws-sdk/util-dynamodb';
import type { DynamoDBRecord } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { orderEventConsumers } from '../../../cloud/core/events/consumers.ts';
import { orderEventsSince } from '../../../cloud/core/events/order-events.ts';
import { OrderTimerFiler } from '../../../cloud/core/events/order-timers.ts';
import { type OrderChange, OutboxRelay } from '../../../cloud/core/events/outbox.ts';
import type { OrderEvent } from '../../../cloud/core/model.ts';
import type {
  Notification,
  NotificationStore,
} from '../../../cloud/core/notifications/notification-store.ts';
import { type Announcer, HouseholdNotifier } from '../../../cloud/core/notifications/notify.ts';
import type { PressStore } from '../../../cloud/core/press/press-store.ts';
import { EventBridgeSink } from '../../../cloud/lambdas/aws/eventbridge-sink.ts';
import { LocalNotifier } from '../../../cloud/local/notifications.ts';
import { type DynaliteServer, startDynalite } from '../../../cloud/store/dynamo/dynalite-server.ts';
import { DynamoNotificationStore } from '../../../cloud/store/dynamo/dynamo-notification-store.ts';
import { toOrderItem } from '../../../cloud/store/dynamo/order-item.ts';
import { orderChangesOf } from '../../../cloud/store/dynamo/stream-changes.ts';
import { ensureTable, openTable, type Table } from '../../../cloud/store/dynamo/table.ts';
import { CrashSwitch } from '../../helpers/crashing-store.ts';
import { dynamoUnderTest, type StoreUnderTest } from '../../helpers/stores.ts';
import { button, MemoryLog, sku, World } from '../../helpers/world.ts';

/** Two orders: one placed then confirmed by the sweep, one placed then cancelled by LONG. */
const EXPECTED = [
  'btn-1-1/1 OrderPlaced',
  'btn-1-1/2 OrderConfirmed',
  'btn-2-1/1 OrderPlaced',
  'btn-2-1/2 OrderCancelled',
];

let server: DynaliteServer;
let folder: string;
let tables = 0;
beforeAll(async () => {
  server = await startDynalite();
  folder = await mkdtemp(join(tmpdir(), 'restock-outbox-crash-'));
});
afterAll(async () => {
  await server.close();
  await rm(folder, { recursive: true, force: true });
});

interface Fixture {
  table: Table;
  store: StoreUnderTest;
  notes: NotificationStore;
  world: World;
}

/** A fresh table with two bound buttons; events stay in the outbox until the test publishes. */
async function fixture(): Promise<Fixture> {
  const table = openTable({ tableName: `outbox-crash-${++tables}`, endpoint: server.endpoint });
  await ensureTable(table);
  const store = dynamoUnderTest(table);
  await store.putSku(sku());
  await store.putButton(button('btn-1'));
  await store.putButton(button('btn-2'));
  const notes = new DynamoNotificationStore(table);
  // The household chose e-mail, so AWS announces its notifications on SNS.
  await notes.putSubscription({
    householdId: 'hh-1',
    subscriptionId: 'sub-1',
    protocol: 'email',
    endpoint: 'hh-1@example.org',
    createdAt: 0,
    reference: 'arn:aws:sns:eu-central-1:123456789012:notify:sub-1',
  });
  const world = new World(store, { drain: false });
  return { table, store, notes, world };
}

async function runScenario(world: World): Promise<void> {
  await world.device('btn-1').press();
  const second = world.device('btn-2');
  await second.press();
  await second.press('LONG');
  // The commit relay writes the order items (the stack drains it after every press).
  await world.commits.drain(world.store.commits);
  // The sweep finds waiting orders by the timers a consumer files from their events; the
  // events themselves stay in the outbox for the relay under test.
  const pending = await world.store.outbox.pendingChanges(100);
  await new OrderTimerFiler(world.store.orders).emit(
    pending.flatMap((change) => orderEventsSince(change.order, change.published)),
  );
  world.clock.advance(31 * 60_000);
  await world.orders.sweep();
}

async function notified(notes: NotificationStore): Promise<string[]> {
  const page = await notes.listNotifications('hh-1', { limit: 100 });
  return page.items.map((n) => `${n.notificationId} ${n.kind}`).sort();
}

/**
 * The local stack's drain: the commit relay's order items, then the outbox relay's outbox file
 * and console, then the household's notifications.
 */
function localRelay(f: Fixture, crashes: CrashSwitch) {
  const notifier = new HouseholdNotifier(crashes.wrap(f.notes));
  const relay = new OutboxRelay(new LocalNotifier(folder, new MemoryLog(), notifier));
  return async () => {
    await f.world.commits.drain(f.store.commits);
    return relay.drain(crashes.wrap(f.store.outbox));
  };
}

describe('on one machine: the stack drains the outbox into notifications', () => {
  it('a crash at any step of a drain, then a restarted drain, leaves one notification per event', async () => {
    const reference = await fixture();
    await runScenario(reference.world);
    const counting = new CrashSwitch();
    counting.arm(0, 'before');
    await localRelay(reference, counting)();
    const steps = counting.calls;
    expect(await notified(reference.notes)).toEqual(EXPECTED);
    // Steps to crash at: the outbox read, the notifications' (batched) write, each order's mark.
    expect(steps).toBeGreaterThanOrEqual(3);

    for (const mode of ['before', 'after'] as const) {
      for (let k = 1; k <= steps; k++) {
        const f = await fixture();
        await runScenario(f.world);
        const crashes = new CrashSwitch();
        crashes.arm(k, mode);
        await expect(localRelay(f, crashes)(), `crash ${mode} step ${k}`).rejects.toThrow(
          /injected crash/,
        );
        // The restarted stack drains again from what the table says.
        await localRelay(f, new CrashSwitch())();
        expect(await notified(f.notes), `crash ${mode} step ${k}`).toEqual(EXPECTED);
        expect(await f.store.outbox.pendingChanges(10), `crash ${mode} step ${k}`).toEqual([]);
        f.table.raw.destroy();
      }
    }
  }, 120_000);

  it('a press that dies at any store call, retried, still gets its event out exactly once', async () => {
    const reference = await fixture();
    const counting = new CrashSwitch();
    const countingWorld = new World(
      { ...reference.store, press: counting.wrap<PressStore>(reference.store.press) },
      { drain: false },
    );
    counting.arm(0, 'before');
    await countingWorld.device('btn-1').press();
    const calls = counting.calls;

    for (const mode of ['before', 'after'] as const) {
      for (let k = 1; k <= calls; k++) {
        const f = await fixture();
        const crashes = new CrashSwitch();
        const world = new World(
          { ...f.store, press: crashes.wrap<PressStore>(f.store.press) },
          { drain: false },
        );
        const device = world.device('btn-1');
        crashes.arm(k, mode);
        await expect(device.press(), `crash ${mode} call ${k}`).rejects.toThrow(/injected crash/);
        crashes.disarm();
        await device.resend(device.seq, 2);
        await localRelay(f, new CrashSwitch())();
        expect(await notified(f.notes), `crash ${mode} call ${k}`).toEqual([
          'btn-1-1/1 OrderPlaced',
        ]);
        f.table.raw.destroy();
      }
    }
  });
});

/**
 * The table's stream as DynamoDB Streams delivers it for these writes: one record per write of
 * an order item, with the item before (one history entry fewer) and after.
 */
async function streamRecords(f: Fixture): Promise<DynamoDBRecord[]> {
  const records: DynamoDBRecord[] = [];
  for (const orderId of ['btn-1-1', 'btn-2-1']) {
    const order = await f.store.orders.getOrder(orderId);
    if (!order) throw new Error(`${orderId} missing`);
    const image = (length: number) =>
      marshall(toOrderItem({ ...order, history: order.history.slice(0, length) }, {} as never), {
        removeUndefinedValues: true,
      });
    for (let length = 1; length <= order.history.length; length++) {
      records.push({
        eventName: length === 1 ? 'INSERT' : 'MODIFY',
        dynamodb: {
          ...(length > 1 ? { OldImage: image(length - 1) as never } : {}),
          NewImage: image(length) as never,
        },
      });
    }
  }
  return records;
}

/** EventBridge as far as a brand's rule sees it: every accepted entry, in order. */
class RecordingBus {
  readonly delivered: OrderEvent[] = [];
  readonly client = {
    send: async (command: PutEventsCommand) => {
      for (const entry of command.input.Entries ?? []) {
        this.delivered.push(JSON.parse(entry.Detail as string) as OrderEvent);
      }
      return { FailedEntryCount: 0, Entries: [] };
    },
  };
}

class RecordingAnnouncer implements Announcer {
  readonly sent: Notification[] = [];
  async announce(notification: Notification): Promise<void> {
    this.sent.push(notification);
  }
}

/** Runs a Lambda invocation until it succeeds, as Lambda's retries do. */
async function untilItSucceeds(invoke: () => Promise<unknown>): Promise<number> {
  for (let attempt = 1; attempt <= 3; attempt++) {
    try {
      await invoke();
      return attempt;
    } catch (error) {
      if (!/injected crash/.test(String(error))) throw error;
    }
  }
  throw new Error('still failing after 3 attempts');
}

describe('in AWS: stream → order-event Lambda → notifications, statistics, webhooks, brand bus', () => {
  async function deliver(
    f: Fixture,
    records: DynamoDBRecord[],
    crashAt: number,
    mode: 'before' | 'after',
  ) {
    const crashes = new CrashSwitch();
    const bus = new RecordingBus();
    const announcer = new RecordingAnnouncer();
    const relay = new OutboxRelay(
      orderEventConsumers({
        household: new HouseholdNotifier(crashes.wrap(f.notes), crashes.wrap(announcer)),
        // Statistics and webhook queue run too (their own crash tests are in their contracts).
        stats: f.store.api.stats,
        webhooks: f.store.api.webhooks,
        timers: f.store.orders,
        clock: f.world.clock,
        brandBus: new EventBridgeSink(
          crashes.wrap(bus.client) as unknown as EventBridgeClient,
          'bus',
        ),
      }),
    );
    crashes.arm(crashAt, mode);
    // One batch from the stream; a failed invocation is retried with the same records.
    const changes: OrderChange[] = orderChangesOf(records);
    const attempts = await untilItSucceeds(() => relay.publish(changes));
    return { crashes, bus, announcer, attempts };
  }

  it('a crash at any step, retried as Lambda retries a stream batch, leaves one notification per event', async () => {
    const reference = await fixture();
    await runScenario(reference.world);
    const records = await streamRecords(reference);
    const clean = await deliver(reference, records, 0, 'before');
    // The bus carries only what the brand must hear of.
    expect(clean.bus.delivered.map((e) => `${e.eventId} ${e.type}`)).toEqual([
      'btn-1-1/2 OrderConfirmed',
      'btn-2-1/2 OrderCancelled',
    ]);
    expect(await notified(reference.notes)).toEqual(EXPECTED);
    const steps = clean.crashes.calls;

    for (const mode of ['before', 'after'] as const) {
      for (let k = 1; k <= steps; k++) {
        const f = await fixture();
        await runScenario(f.world);
        const run = await deliver(f, await streamRecords(f), k, mode);
        expect(run.attempts, `crash ${mode} step ${k}`).toBeGreaterThan(clean.attempts);
        expect(await notified(f.notes), `crash ${mode} step ${k}`).toEqual(EXPECTED);
        // SNS has no de-duplication for e-mail/SMS: an announcement may repeat, never go missing.
        const announced = new Set(run.announcer.sent.map((n) => `${n.notificationId} ${n.kind}`));
        expect([...announced].sort(), `crash ${mode} step ${k}`).toEqual(EXPECTED);
        f.table.raw.destroy();
      }
    }
  }, 120_000);
});
