/**
 * API Lambda behind API Gateway. Thin: adapters are built once per instance; the app lives in
 * cloud/api. Tokens are Cognito ID tokens (COGNITO_USER_POOL_ID, COGNITO_CLIENT_ID).
 */
import { handle } from 'hono/aws-lambda';
import { createApiApp } from '../api/app.ts';
import { dynamoApiStores } from '../api/stores.ts';
import { cognitoVerifier } from '../core/auth/token-verifier.ts';
import type { KeySource } from '../core/ports.ts';
import { systemClock } from '../core/ports.ts';
import { requireEnv } from './aws/environment.ts';
import { awsServices } from './aws/services.ts';

const services = awsServices('restock-api');
const keySource: KeySource = {
  deviceKey: async (deviceId, keyVersion) =>
    (await services.keySource()).deviceKey(deviceId, keyVersion),
};

const app = createApiApp({
  stores: dynamoApiStores(services.table),
  orderService: services.orders,
  clock: systemClock,
  keySource,
  tokens: cognitoVerifier({
    region: process.env.AWS_REGION ?? 'us-east-1',
    userPoolId: requireEnv('COGNITO_USER_POOL_ID'),
    clientId: requireEnv('COGNITO_CLIENT_ID'),
    clock: systemClock,
  }),
  log: services.log,
});

export const handler = handle(app);
