/**
 * The API Lambda as Lambda runs it (Cognito-style RS256 tokens checked against a JWKS, the
 * master key from Secrets Manager on the wire, the table on dynalite) does what the local
 * stack does for brands: a virtual test button presses through the press pipeline, its TEST
 * order is listed apart and reset, and a delivery report grants the welcome credit once.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { toHex } from '#shared/index';
import type { Order } from '../../../cloud/core/model.ts';
import { transition } from '../../../cloud/core/orders/lifecycle.ts';
import { createPressPipeline } from '../../../cloud/core/press/press-pipeline.ts';
import { type DynaliteServer, startDynalite } from '../../../cloud/store/dynamo/dynalite-server.ts';
import { ensureTable, openTable, type Table } from '../../../cloud/store/dynamo/table.ts';
import {
  callApiLambda,
  cognitoIssuer,
  type Json,
  type TokenIssuer,
} from '../../helpers/api-lambda.ts';
import { FakeAws, type WireRequest } from '../../helpers/aws-wire.ts';
import { dynamoUnderTest, type StoreUnderTest } from '../../helpers/stores.ts';
import { button, MASTER_KEY, sku, World } from '../../helpers/world.ts';

const REGION = 'eu-central-1';
const SECRET_ARN = `arn:aws:secretsmanager:${REGION}:123456789012:secret:restock-master-AbCdEf`;
const AUDIENCE = 'restock-client';

let dynalite: DynaliteServer;
let aws: FakeAws;
let table: Table;
let store: StoreUnderTest;
let tokens: TokenIssuer;
const saved = { ...process.env };

function answer(request: WireRequest) {
  if (request.service === 'secretsmanager' && request.operation === 'GetSecretValue') {
    return {
      contentType: 'application/x-amz-json-1.1',
      body: JSON.stringify({
        ARN: SECRET_ARN,
        SecretString: JSON.stringify({ 1: toHex(MASTER_KEY) }),
      }),
    };
  }
  if (request.operation === 'GET /pool/.well-known/jwks.json') {
    return { contentType: 'application/json', body: JSON.stringify(tokens.jwks) };
  }
  return undefined;
}

beforeAll(async () => {
  dynalite = await startDynalite();
  aws = await FakeAws.start(answer);
  table = openTable({ tableName: 'restock-api-parity', endpoint: dynalite.endpoint });
  await ensureTable(table);
  store = dynamoUnderTest(table);
  await store.putSku(sku());
  await store.putButton(button('btn-1'));
  const issuer = `${aws.url}/pool`;
  tokens = await cognitoIssuer(issuer, AUDIENCE);
  Object.assign(process.env, {
    AWS_REGION: REGION,
    AWS_ACCESS_KEY_ID: 'AKIDEXAMPLEPARITY',
    AWS_SECRET_ACCESS_KEY: 'parity-test-secret',
    AWS_ENDPOINT_URL: aws.url,
    POWERTOOLS_LOG_LEVEL: 'SILENT',
    TABLE_NAME: table.name,
    DYNAMODB_ENDPOINT: dynalite.endpoint,
    MASTER_KEY_SECRET_ARN: SECRET_ARN,
    NOTIFY_TOPIC_ARN: `arn:aws:sns:${REGION}:123456789012:restock-notify`,
    JWT_ISSUER: issuer,
    JWT_AUDIENCE: AUDIENCE,
    IOT_DATA_ENDPOINT: aws.url,
    FIRMWARE_BUCKET: 'restock-firmware-parity',
    FIRMWARE_STREAM_ROLE_ARN: 'arn:aws:iam::123456789012:role/restock-stream-parity',
  });
});

afterAll(async () => {
  process.env = saved;
  table?.raw.destroy();
  await aws?.close();
  await dynalite?.close();
});

async function call(method: string, path: string, body?: unknown) {
  const token = await tokens.sign({ 'cognito:groups': ['brand'], 'custom:tenant': 'acme' });
  return callApiLambda(token, method, path, body);
}

it('sandbox: a virtual test button orders through the Lambda’s press pipeline, listed apart, reset', async () => {
  const made = await call('POST', '/v1/brand/test-buttons', { skuId: 'coffee' });
  expect(made.status).toBe(201);
  const deviceId = made.body.deviceId as string;
  const pressed = await call('POST', `/v1/brand/test-buttons/${deviceId}/press`, {});
  expect(pressed.body).toMatchObject({ deviceId, seq: 1, outcome: 'ORDERED' });
  const listed = await call('GET', '/v1/brand/test-orders');
  expect(listed.body.items.map((o: Json) => [o.orderId, o.test])).toEqual([
    [pressed.body.orderId, true],
  ]);
  const reset = await call('POST', '/v1/brand/test-orders/reset');
  expect(reset.body).toEqual({ ordersDeleted: 1, buttonsReset: 1 });
  const again = await call('POST', `/v1/brand/test-buttons/${deviceId}/press`, {});
  expect(again.body).toMatchObject({ seq: 2, outcome: 'ORDERED' });
});

it('welcome credit: the Lambda’s delivery report grants it once', async () => {
  expect(
    (await call('PUT', '/v1/brand/welcome-credits/coffee', { amount: 499, currency: 'EUR' }))
      .status,
  ).toBe(200);
  // A real order of hh-1's btn-1, pressed, confirmed and shipped by the same core code.
  const world = new World(store);
  const pipeline = createPressPipeline({
    store: store.press,
    orderStore: store.orders,
    keys: world.keys,
    acks: { publishAck: async () => {} },
  });
  const device = world.device('btn-1');
  const pressed = await pipeline.presses.handle(device.event(device.sign('SINGLE', 1)));
  const orderId = pressed.orderId as string;
  const brand = { kind: 'brand' as const, id: 'acme' };
  // Confirmed as the sweep would at the end of the window (the pipeline runs on the system clock).
  const placed = (await store.orders.getOrder(orderId)) as Order;
  const system = { kind: 'system' as const, id: 'sweep' };
  await store.orders.saveTransition(transition(placed, 'CONFIRMED', system, Date.now()), 'PLACED');
  await pipeline.orders.ship(orderId, brand);
  const delivered = await call('POST', `/v1/brand/orders/${orderId}/deliver`);
  expect(delivered.status).toBe(200);
  expect(delivered.body.discount).toEqual({
    kind: 'WELCOME_CREDIT',
    amount: 499,
    currency: 'EUR',
    campaign: null,
  });
  const again = await call('POST', `/v1/brand/orders/${orderId}/deliver`);
  expect(again.body.discount).toEqual(delivered.body.discount);
});
