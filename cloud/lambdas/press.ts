/**
 * Press Lambda: invoked by the IoT topic rule with the event described in press-event.ts.
 * Thin: adapters are built once per instance; the pipeline lives in core/press.
 */
import { IoTDataPlaneClient } from '@aws-sdk/client-iot-data-plane';
import type { PressEvent } from '../core/press/press-event.ts';
import { createPressPipeline } from '../core/press/press-pipeline.ts';
import type { PressResult } from '../core/press/press-service.ts';
import { DynamoPressStore, PRESS_SKU_CACHE_MS } from '../store/dynamo/dynamo-press-store.ts';
import { requireEnv } from './aws/environment.ts';
import { IotAckPublisher } from './aws/iot-ack-publisher.ts';
import { awsServices } from './aws/services.ts';

const services = awsServices('restock-press');
const { presses } = createPressPipeline({
  store: new DynamoPressStore(services.table, { skuCacheMs: PRESS_SKU_CACHE_MS }),
  orderStore: services.orderStore,
  keys: services.keySource,
  // The account's own data endpoint (looked up at deploy time), as AWS advises for publishing.
  acks: new IotAckPublisher(new IoTDataPlaneClient({ endpoint: requireEnv('IOT_DATA_ENDPOINT') })),
  log: services.log,
});

/**
 * Errors propagate: the rule invokes asynchronously, so Lambda's own retries (then the function's
 * dead-letter queue) take over; a retry is safe (same sequence number, same outcome).
 */
export async function handler(event: PressEvent): Promise<Pick<PressResult, 'outcome' | 'reason'>> {
  const result = await presses.handle(event);
  return { outcome: result.outcome, reason: result.reason };
}
