/**
 * Press Lambda: invoked by the IoT topic rule with the event described in press-event.ts.
 * Thin: adapters are built once per instance; the pipeline lives in core/press.
 */
import { IoTDataPlaneClient } from '@aws-sdk/client-iot-data-plane';
import type { PressEvent } from '../core/press/press-event.ts';
import { createPressPipeline } from '../core/press/press-pipeline.ts';
import type { PressResult } from '../core/press/press-service.ts';
import { DynamoPressStore } from '../store/dynamo/dynamo-press-store.ts';
import { IotAckPublisher } from './aws/iot-ack-publisher.ts';
import { awsServices } from './aws/services.ts';

const services = awsServices('restock-press');
const endpoint = process.env.IOT_DATA_ENDPOINT;
const { presses } = createPressPipeline({
  store: new DynamoPressStore(services.table),
  orderStore: services.orderStore,
  keys: services.keySource,
  acks: new IotAckPublisher(
    new IoTDataPlaneClient(endpoint ? { endpoint: `https://${endpoint}` } : {}),
  ),
  events: services.events,
  log: services.log,
});

/** Errors propagate so the rule's retry (or its dead-letter queue) takes over; retries are safe. */
export async function handler(event: PressEvent): Promise<Pick<PressResult, 'outcome' | 'reason'>> {
  const result = await presses.handle(event);
  return { outcome: result.outcome, reason: result.reason };
}
