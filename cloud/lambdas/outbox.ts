/**
 * Outbox Lambda: reads the table's stream and puts each new order or button event on the
 * EventBridge bus.
 * Thin: the relay lives in core/events. An error fails the batch, which Lambda retries (halving
 * it to isolate a bad record) and finally reports to the dead-letter queue; events are sent
 * again on a retry with the same ids, which every consumer de-duplicates.
 */
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import type { DynamoDBStreamEvent } from 'aws-lambda';
import { OutboxRelay } from '../core/events/outbox.ts';
import { buttonEventsOf, orderChangesOf } from '../store/dynamo/stream-changes.ts';
import { requireEnv } from './aws/environment.ts';
import { EventBridgeSink } from './aws/eventbridge-sink.ts';

const sink = new EventBridgeSink(new EventBridgeClient({}), requireEnv('EVENT_BUS_NAME'));
const relay = new OutboxRelay(sink);

export async function handler(event: DynamoDBStreamEvent): Promise<{ published: number }> {
  const buttonEvents = buttonEventsOf(event.Records);
  if (buttonEvents.length > 0) await sink.emitButtonEvents(buttonEvents);
  return { published: (await relay.publish(orderChangesOf(event.Records))) + buttonEvents.length };
}
