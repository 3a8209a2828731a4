/**
 * Notification Lambda: an EventBridge rule on the order-event bus delivers each event; the
 * household's notification is written (keyed by the event id, so a redelivery changes nothing)
 * and announced on SNS to the subscribers the household chose. Thin: the rules live in core.
 */
import { SNSClient } from '@aws-sdk/client-sns';
import type { EventBridgeEvent } from 'aws-lambda';
import type { OrderEvent, OrderEventType } from '../core/model.ts';
import { HouseholdNotifier } from '../core/notifications/notify.ts';
import { DynamoNotificationStore } from '../store/dynamo/dynamo-notification-store.ts';
import { openTable } from '../store/dynamo/table.ts';
import { requireEnv } from './aws/environment.ts';
import { powertoolsLog } from './aws/powertools-log.ts';
import { SnsAnnouncer } from './aws/sns-announcer.ts';

const log = powertoolsLog('restock-notify');
const table = openTable({
  tableName: requireEnv('TABLE_NAME'),
  endpoint: process.env.DYNAMODB_ENDPOINT,
});
const notifier = new HouseholdNotifier(
  new DynamoNotificationStore(table),
  new SnsAnnouncer(new SNSClient({}), requireEnv('NOTIFY_TOPIC_ARN')),
);

export async function handler(event: EventBridgeEvent<OrderEventType, OrderEvent>): Promise<void> {
  await notifier.emit([event.detail]);
  log.info('notified', { eventId: event.detail.eventId, type: event['detail-type'] });
}
