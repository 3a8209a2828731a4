/**
 * Press Lambda: invoked by the IoT topic rule with the event described in press-event.ts.
 * Thin: adapters are built once per instance; the pipeline lives in core/press.
 */
import { IoTDataPlaneClient } from '@aws-sdk/client-iot-data-plane';
import type { KeySource } from '../core/ports.ts';
import { systemClock } from '../core/ports.ts';
import type { PressEvent } from '../core/press/press-event.ts';
import { type PressResult, PressService } from '../core/press/press-service.ts';
import { nodeSha256 } from '../core/sha256.ts';
import { DynamoPressStore } from '../store/dynamo/dynamo-press-store.ts';
import { IotAckPublisher } from './aws/iot-ack-publisher.ts';
import { awsServices } from './aws/services.ts';

const services = awsServices('restock-press');
const endpoint = process.env.IOT_DATA_ENDPOINT;
const keys: KeySource = {
  deviceKey: async (deviceId, keyVersion) =>
    (await services.keySource()).deviceKey(deviceId, keyVersion),
};
const service = new PressService({
  store: new DynamoPressStore(services.table),
  orders: services.orders,
  keys,
  clock: systemClock,
  acks: new IotAckPublisher(
    new IoTDataPlaneClient(endpoint ? { endpoint: `https://${endpoint}` } : {}),
  ),
  events: services.events,
  log: services.log,
  sha256: nodeSha256,
});

/** Errors propagate so the rule's retry (or its dead-letter queue) takes over; retries are safe. */
export async function handler(event: PressEvent): Promise<Pick<PressResult, 'outcome' | 'reason'>> {
  const result = await service.handle(event);
  return { outcome: result.outcome, reason: result.reason };
}
