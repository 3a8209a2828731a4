/**
 * Brand routes for the sandbox: test buttons (real ones marked, or virtual ones whose key stays
 * in the cloud), presses of virtual buttons through the press pipeline, the TEST orders they
 * make (listed apart from every real list) and the reset (core/sandbox).
 */
import { createRoute, type OpenAPIHono, z } from '@hono/zod-openapi';
import { CLICK_TYPES, OUTCOMES } from '#shared/index';
import type { ApiEnv } from '../env.ts';
import { bearer, body, errorResponses, json } from '../openapi.ts';
import { ButtonSchema, DeviceId, OrderPage, PageQuery, SkuId } from '../schemas.ts';
import type { Services } from '../services.ts';
import { buttonView } from '../views.ts';

const common = { tags: ['brand'], security: bearer };
const DeviceParam = z.object({ deviceId: DeviceId });

const MarkTestSchema = z.object({ test: z.boolean() }).openapi('MarkTest');

const NewTestButtonSchema = z
  .object({
    skuId: SkuId,
    keyVersion: z.number().int().min(1).max(65535).default(1),
  })
  .openapi('NewTestButton');

const TestButtonSchema = z.object({ deviceId: z.string() }).openapi('TestButton');

const TestPressSchema = z
  .object({ click: z.enum(CLICK_TYPES).default('SINGLE') })
  .openapi('TestPress');

const TestPressResultSchema = z
  .object({
    deviceId: z.string(),
    seq: z.number().int(),
    outcome: z.enum(OUTCOMES),
    reason: z.string().nullable(),
    orderId: z.string().nullable(),
    duplicate: z.boolean(),
  })
  .openapi('TestPressResult', { description: 'the ack the press pipeline answered with' });

const ResetSchema = z
  .object({ ordersDeleted: z.number().int(), buttonsReset: z.number().int() })
  .openapi('SandboxReset');

export function sandboxRoutes(app: OpenAPIHono<ApiEnv>, s: Services): void {
  const brandOf = (c: { get(key: 'principal'): { tenant: string } }) => c.get('principal').tenant;

  app.openapi(
    createRoute({
      ...common,
      method: 'put',
      path: '/v1/brand/buttons/{deviceId}/test',
      summary: 'Mark a button as a test button (its presses make TEST orders), or a real one again',
      request: { params: DeviceParam, ...body(MarkTestSchema) },
      responses: { 200: json(ButtonSchema, 'the button'), ...errorResponses },
    }),
    async (c) => {
      const { deviceId } = c.req.valid('param');
      const button = await s.sandbox.markTest(brandOf(c), deviceId, c.req.valid('json').test);
      return c.json(buttonView(button), 200);
    },
  );

  app.openapi(
    createRoute({
      ...common,
      method: 'post',
      path: '/v1/brand/test-buttons',
      summary: 'Create a virtual test button bound to a SKU (its key never leaves the cloud)',
      request: body(NewTestButtonSchema),
      responses: { 201: json(TestButtonSchema, 'the virtual button'), ...errorResponses },
    }),
    async (c) => {
      const { skuId, keyVersion } = c.req.valid('json');
      const button = await s.sandbox.createVirtualButton(brandOf(c), skuId, keyVersion);
      return c.json({ deviceId: button.deviceId }, 201);
    },
  );

  app.openapi(
    createRoute({
      ...common,
      method: 'post',
      path: '/v1/brand/test-buttons/{deviceId}/press',
      summary: 'Press a virtual test button: a signed press through the press pipeline',
      request: { params: DeviceParam, ...body(TestPressSchema) },
      responses: { 200: json(TestPressResultSchema, 'the outcome'), ...errorResponses },
    }),
    async (c) => {
      const { deviceId } = c.req.valid('param');
      return c.json(await s.sandbox.press(brandOf(c), deviceId, c.req.valid('json').click), 200);
    },
  );

  app.openapi(
    createRoute({
      ...common,
      method: 'get',
      path: '/v1/brand/test-orders',
      summary: 'The brand’s TEST orders, newest first (never in fulfilment, totals or insight)',
      request: { query: PageQuery },
      responses: { 200: json(OrderPage, 'a page of test orders'), ...errorResponses },
    }),
    async (c) => c.json(await s.sandbox.listTestOrders(brandOf(c), c.req.valid('query')), 200),
  );

  app.openapi(
    createRoute({
      ...common,
      method: 'post',
      path: '/v1/brand/test-orders/reset',
      summary: 'Delete the brand’s TEST orders and free the test buttons they held',
      responses: { 200: json(ResetSchema, 'what the reset removed'), ...errorResponses },
    }),
    async (c) => c.json(await s.sandbox.reset(brandOf(c)), 200),
  );
}
