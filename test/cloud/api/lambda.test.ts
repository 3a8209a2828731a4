/** The API Lambda entry: builds from its environment and answers an API Gateway (HTTP API) event. */
import type { LambdaContext } from 'hono/aws-lambda';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { httpApiEvent as event } from '../../helpers/http-api-event.ts';

const saved = { ...process.env };
beforeAll(() => {
  Object.assign(process.env, {
    TABLE_NAME: 'restock-test',
    NOTIFY_TOPIC_ARN: 'arn:aws:sns:us-east-1:000000000000:restock-test',
    MASTER_KEY_SECRET_ARN: 'arn:aws:secretsmanager:us-east-1:000000000000:secret:test',
    JWT_ISSUER: 'https://cognito-idp.us-east-1.amazonaws.com/us-east-1_test',
    JWT_AUDIENCE: 'test-client',
    IOT_DATA_ENDPOINT: 'https://abc123-ats.iot.us-east-1.amazonaws.com',
    FIRMWARE_BUCKET: 'restock-firmware-test',
    FIRMWARE_STREAM_ROLE_ARN: 'arn:aws:iam::000000000000:role/restock-stream-test',
    AWS_REGION: 'us-east-1',
    POWERTOOLS_LOG_LEVEL: 'SILENT',
  });
});
afterAll(() => {
  process.env = saved;
});

it('serves /health and refuses a forged token without reaching AWS', async () => {
  const { handler } = await import('../../../cloud/lambdas/api.ts');
  const context = {} as LambdaContext;
  const health = await handler(event('GET', '/health'), context);
  expect(health.statusCode).toBe(200);
  expect(JSON.parse(health.body ?? '')).toEqual({ status: 'ok' });
  const refused = await handler(
    event('GET', '/v1/support/audit', { authorization: 'Bearer a.b.c' }),
    context,
  );
  expect(refused.statusCode).toBe(401);
  expect(JSON.parse(refused.body ?? '').error.code).toBe('UNAUTHENTICATED');
});
