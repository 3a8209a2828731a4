/**
 * Stream Lambda: the table's stream hands it a batch of changes (one invocation per batch, not
 * per event). First the commit relay writes what the batch's claims owe (a button whose
 * high-water mark rose: the order item or press record its press's handler left to it), whose
 * own records come back through the stream; then the order events go to the consumers the local
 * stack's outbox drain feeds, with the same code: the household's notifications (SNS for the households that
 * subscribed), the brand statistics and the webhook queue — and, for the events a brand must
 * hear of, the order-event bus that brands' own rules read. An error fails the batch, which
 * Lambda retries (halving it to isolate a bad record) and finally reports to the dead-letter
 * queue; a retry repeats events with the same ids, which every consumer de-duplicates.
 */
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { SNSClient } from '@aws-sdk/client-sns';
import type { DynamoDBStreamEvent } from 'aws-lambda';
import { dynamoApiStores } from '../api/stores.ts';
import { fanOutButtonEvents } from '../core/events/button-events.ts';
import { orderEventConsumers } from '../core/events/consumers.ts';
import { OutboxRelay } from '../core/events/outbox.ts';
import { FleetHealth } from '../core/health/fleet-health.ts';
import { HouseholdInsight } from '../core/insight/household-insight.ts';
import { HouseholdNotifier } from '../core/notifications/notify.ts';
import { systemClock } from '../core/ports.ts';
import { createCommitRelay } from '../core/press/press-pipeline.ts';
import { WebhookEnqueuer } from '../core/webhooks/webhooks.ts';
import { DynamoActivityStore } from '../store/dynamo/dynamo-activity-store.ts';
import { DynamoNotificationStore } from '../store/dynamo/dynamo-notification-store.ts';
import { DynamoPressStore } from '../store/dynamo/dynamo-press-store.ts';
import { DynamoStatsStore } from '../store/dynamo/dynamo-stats-store.ts';
import { DynamoWebhookStore } from '../store/dynamo/dynamo-webhook-store.ts';
import { buttonCommitsOf, buttonEventsOf, orderChangesOf } from '../store/dynamo/stream-changes.ts';
import { openTable } from '../store/dynamo/table.ts';
import { requireEnv } from './aws/environment.ts';
import { EventBridgeSink } from './aws/eventbridge-sink.ts';
import { powertoolsLog } from './aws/powertools-log.ts';
import { SnsAnnouncer } from './aws/sns-announcer.ts';

const table = openTable({
  tableName: requireEnv('TABLE_NAME'),
  endpoint: process.env.DYNAMODB_ENDPOINT,
});
const brandBus = new EventBridgeSink(new EventBridgeClient({}), requireEnv('EVENT_BUS_NAME'));
const log = powertoolsLog('restock-outbox');
const stores = dynamoApiStores(table);
const { relay: commits } = createCommitRelay({
  store: new DynamoPressStore(table),
  orderStore: stores.orders,
  log,
});
const health = new FleetHealth(stores, systemClock, log);
const insight = new HouseholdInsight(new DynamoActivityStore(table));
const relay = new OutboxRelay(
  orderEventConsumers({
    household: new HouseholdNotifier(
      new DynamoNotificationStore(table),
      new SnsAnnouncer(new SNSClient({}), requireEnv('NOTIFY_TOPIC_ARN')),
    ),
    stats: new DynamoStatsStore(table),
    webhooks: new DynamoWebhookStore(table),
    timers: stores.orders,
    clock: systemClock,
    brandBus,
    more: [health, insight],
  }),
);
// Button events (claimed, released, low battery, silent): health, insight, webhooks, the bus.
const buttonEventSink = fanOutButtonEvents([
  health,
  insight,
  new WebhookEnqueuer(new DynamoWebhookStore(table), systemClock),
  brandBus,
]);

export async function handler(
  event: DynamoDBStreamEvent,
): Promise<{ relayed: number; published: number }> {
  const relayed = await commits.publish(buttonCommitsOf(event.Records));
  const buttonEvents = buttonEventsOf(event.Records);
  if (buttonEvents.length > 0) await buttonEventSink.emitButtonEvents(buttonEvents);
  const published = (await relay.publish(orderChangesOf(event.Records))) + buttonEvents.length;
  return { relayed, published };
}
