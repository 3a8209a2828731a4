/**
 * What a press leaves for after its ack, drained from the table as DynamoDB Streams and the
 * stream Lambda would deliver it in AWS: the commit relay writing what each commit point owes
 * (order items, press records), then the order events to their consumers (brand statistics,
 * fleet health, household insight, the webhook queue, the console, the outbox file and the
 * household's notifications), then button events to health, insight and the webhook queue.
 * Built on its own stores so that it can run on the drain thread (drain-thread.ts) as well as on
 * the broker's.
 */
import { dynamoApiStores } from '../api/stores.ts';
import { drainButtonEventBatch, fanOutButtonEvents } from '../core/events/button-events.ts';
import { orderEventConsumers } from '../core/events/consumers.ts';
import { drainInTurn } from '../core/events/drain-batches.ts';
import { OutboxRelay } from '../core/events/outbox.ts';
import { FleetHealth } from '../core/health/fleet-health.ts';
import { HouseholdInsight } from '../core/insight/household-insight.ts';
import { HouseholdNotifier } from '../core/notifications/notify.ts';
import type { Log } from '../core/ports.ts';
import { systemClock } from '../core/ports.ts';
import { createCommitRelay } from '../core/press/press-pipeline.ts';
import { WebhookEnqueuer } from '../core/webhooks/webhooks.ts';
import { DynamoCommitOutbox } from '../store/dynamo/dynamo-commit-outbox.ts';
import { DynamoOutboxStore } from '../store/dynamo/dynamo-outbox-store.ts';
import { DynamoPressStore } from '../store/dynamo/dynamo-press-store.ts';
import type { Table } from '../store/dynamo/table.ts';
import { type CrashPoint, commitSteps, householdStep, outboxSteps } from './crash-points.ts';
import { LocalNotifier } from './notifications.ts';

export interface EventDrainDeps {
  table: Table;
  /** Where the outbox file is written. */
  dataDir: string;
  log: Log;
  crash: CrashPoint;
}

/** One full drain; resolves with how many commits and events went out. */
export type EventDrain = () => Promise<number>;

export function eventDrain({ table, dataDir, log, crash }: EventDrainDeps): EventDrain {
  const stores = dynamoApiStores(table);
  // dynalite has no stream: each claim marks its button for the commit relay.
  const { relay: commits } = createCommitRelay({
    store: new DynamoPressStore(table, { noStream: true }),
    orderStore: stores.orders,
    log,
  });
  const health = new FleetHealth(stores, systemClock, log);
  const insight = new HouseholdInsight(stores.activity);
  // Each batch to all consumers at once, with the household's notifications also on the console
  // and in the outbox file. Brands hear through webhooks (no bus here). A failing one fails the
  // batch; the next drain repeats it.
  const relay = new OutboxRelay(
    orderEventConsumers({
      household: new LocalNotifier(
        dataDir,
        log,
        householdStep(crash, new HouseholdNotifier(stores.notifications)),
      ),
      stats: stores.stats,
      webhooks: stores.webhooks,
      timers: stores.orders,
      clock: systemClock,
      more: [health, insight],
    }),
  );
  const buttonEventSink = fanOutButtonEvents([
    health,
    insight,
    new WebhookEnqueuer(stores.webhooks, systemClock),
  ]);
  const commitOutbox = commitSteps(crash, new DynamoCommitOutbox(table));
  const outbox = outboxSteps(crash, new DynamoOutboxStore(table));
  // A batch of each in turn, as the stream Lambda takes a batch of records: what committed
  // presses owe first (also what a crash left owed before this start), so the order items whose
  // events the relay then publishes exist; and under a steady stream of presses the order items
  // never wait for the whole event backlog, nor the events for all the commits.
  return () =>
    drainInTurn([
      () => commits.drainBatch(commitOutbox),
      () => relay.drainBatch(outbox),
      () => drainButtonEventBatch(stores.buttonEvents, buttonEventSink),
    ]);
}
