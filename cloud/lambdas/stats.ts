/**
 * Statistics Lambda: an EventBridge rule on the order-event bus delivers each event, and the
 * brand's statistics buckets count it exactly once (a redelivery finds it counted). Thin: the
 * counting rules live in core/insight and run on one machine from the outbox drain as well.
 */
import type { EventBridgeEvent } from 'aws-lambda';
import { StatsCounter } from '../core/insight/brand-stats.ts';
import type { OrderEvent, OrderEventType } from '../core/model.ts';
import { DynamoStatsStore } from '../store/dynamo/dynamo-stats-store.ts';
import { openTable } from '../store/dynamo/table.ts';
import { requireEnv } from './aws/environment.ts';
import { powertoolsLog } from './aws/powertools-log.ts';

const log = powertoolsLog('restock-stats');
const counter = new StatsCounter(
  new DynamoStatsStore(
    openTable({ tableName: requireEnv('TABLE_NAME'), endpoint: process.env.DYNAMODB_ENDPOINT }),
  ),
);

export async function handler(event: EventBridgeEvent<OrderEventType, OrderEvent>): Promise<void> {
  await counter.emit([event.detail]);
  log.info('counted', { eventId: event.detail.eventId, type: event['detail-type'] });
}
