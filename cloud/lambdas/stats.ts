/**
 * Statistics Lambda: rules on the event bus deliver each order and button event, and the
 * brand's statistics buckets, fleet health records and household activity records count it
 * exactly once (a redelivery finds it counted). Thin: the rules live in core/insight and
 * core/health and run on one machine from the outbox drain as well.
 */
import type { EventBridgeEvent } from 'aws-lambda';
import { dynamoApiStores } from '../api/stores.ts';
import type { ButtonEvent } from '../core/events/button-events.ts';
import { FleetHealth } from '../core/health/fleet-health.ts';
import { StatsCounter } from '../core/insight/brand-stats.ts';
import { HouseholdInsight } from '../core/insight/household-insight.ts';
import type { OrderEvent } from '../core/model.ts';
import { systemClock } from '../core/ports.ts';
import { openTable } from '../store/dynamo/table.ts';
import { requireEnv } from './aws/environment.ts';
import { BUTTON_SOURCE } from './aws/eventbridge-sink.ts';
import { powertoolsLog } from './aws/powertools-log.ts';

const log = powertoolsLog('restock-stats');
const stores = dynamoApiStores(
  openTable({ tableName: requireEnv('TABLE_NAME'), endpoint: process.env.DYNAMODB_ENDPOINT }),
);
const counter = new StatsCounter(stores.stats);
const insight = new HouseholdInsight(stores.activity);
const health = new FleetHealth(stores, systemClock, log);

export async function handler(
  event: EventBridgeEvent<string, OrderEvent | ButtonEvent>,
): Promise<void> {
  if (event.source === BUTTON_SOURCE) {
    const events = [event.detail as ButtonEvent];
    await health.emitButtonEvents(events);
    await insight.emitButtonEvents(events);
  } else {
    const events = [event.detail as OrderEvent];
    await counter.emit(events);
    await health.emit(events);
    await insight.emit(events);
  }
  log.info('counted', { eventId: event.detail.eventId, type: event['detail-type'] });
}
