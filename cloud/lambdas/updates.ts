/**
 * Updates Lambda: invoked by the IoT rules on the update topics (a button's manifest request,
 * job execution events, shadow reports) and by a schedule (the rollout sweep); see
 * aws/update-topics.ts for what each does. Thin: adapters are built once per instance.
 */
import { randomUUID } from 'node:crypto';
import { UpdateDelivery } from '../core/ota/delivery.ts';
import { systemClock } from '../core/ports.ts';
import { Rollouts } from '../core/rollouts/rollouts.ts';
import { nodeSha256 } from '../core/sha256.ts';
import { DynamoButtonStore } from '../store/dynamo/dynamo-button-store.ts';
import { IotTopicPublisher } from './aws/iot-topic-publisher.ts';
import { awsOtaServices } from './aws/ota-services.ts';
import { awsServices } from './aws/services.ts';
import {
  type UpdateTopicEvent,
  type UpdateTopicResult,
  UpdateTopics,
} from './aws/update-topics.ts';

const services = awsServices('restock-updates');
const { ota, rollouts: rolloutStore, jobs, dataPlane } = awsOtaServices(services.table);
const buttons = new DynamoButtonStore(services.table);

const topics = new UpdateTopics({
  delivery: new UpdateDelivery({
    buttons,
    images: ota.firmware,
    assignments: ota.updates,
    settings: ota.deviceSettings,
    keys: services.keySource,
    sha256: nodeSha256,
    publisher: new IotTopicPublisher(dataPlane),
    // Progress reaches this Lambda as job execution events, never through the delivery.
    reported: async () => {},
    clock: systemClock,
    log: services.log,
  }),
  assignments: ota.updates,
  rollouts: new Rollouts({
    store: rolloutStore,
    fleet: buttons,
    assigner: jobs,
    images: ota.firmware,
    clock: systemClock,
    newId: randomUUID,
    log: services.log,
  }),
  log: services.log,
});

/**
 * Errors propagate: the rules invoke asynchronously, so Lambda's own retries (then the
 * function's dead-letter queue) take over; every step is safe to repeat.
 */
export function handler(event: UpdateTopicEvent): Promise<UpdateTopicResult> {
  return topics.handle(event);
}
