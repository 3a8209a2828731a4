/**
 * API Lambda behind API Gateway (HTTP API, payload format 2.0). Thin: adapters are built once
 * per instance; the app lives in cloud/api. Tokens are Cognito ID tokens, checked again here
 * (JWT_ISSUER, JWT_AUDIENCE) although the gateway's authorizer already did: the app must not
 * depend on being deployed behind it. Firmware, rollout and device-settings routes run on AWS IoT
 * Jobs (assignments) and the Device Shadow (desired settings); see ota-services.ts.
 */
import { SNSClient } from '@aws-sdk/client-sns';
import { handle } from 'hono/aws-lambda';
import { createApiApp } from '../api/app.ts';
import { dynamoApiStores } from '../api/stores.ts';
import { cognitoVerifier } from '../core/auth/token-verifier.ts';
import { systemClock } from '../core/ports.ts';
import { createPressPipeline, relayingAtOnce } from '../core/press/press-pipeline.ts';
import { DynamoPressStore } from '../store/dynamo/dynamo-press-store.ts';
import { requireEnv } from './aws/environment.ts';
import { awsOtaServices } from './aws/ota-services.ts';
import { awsServices } from './aws/services.ts';
import { SnsSubscriptionChannel } from './aws/sns-subscriptions.ts';

const services = awsServices('restock-api');
const updates = awsOtaServices(services.table);

// Virtual test buttons press through the same pipeline as the press Lambda; a virtual button
// has no radio, so its ack is not published (the HTTP answer carries the outcome), and the
// brand lists its order right after, so its commit is relayed at once.
const presses = relayingAtOnce(
  createPressPipeline({
    store: new DynamoPressStore(services.table),
    orderStore: services.orderStore,
    keys: services.keySource,
    acks: { publishAck: async () => {} },
    log: services.log,
  }),
);

const app = createApiApp({
  stores: dynamoApiStores(services.table),
  orderService: services.orders,
  presses,
  clock: systemClock,
  keySource: services.keySource,
  tokens: cognitoVerifier({
    issuer: requireEnv('JWT_ISSUER'),
    audience: requireEnv('JWT_AUDIENCE'),
    clock: systemClock,
  }),
  subscriptions: new SnsSubscriptionChannel(new SNSClient({}), requireEnv('NOTIFY_TOPIC_ARN')),
  log: services.log,
  ota: updates.ota,
  updateAssigner: updates.jobs,
});

export const handler = handle(app);
