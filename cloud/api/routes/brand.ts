/** Brand routes: SKUs, button fleet, fulfilment. Every lookup is scoped to the token's brand. */
import { createRoute, type OpenAPIHono, z } from '@hono/zod-openapi';
import { NotFoundError } from '../../core/errors.ts';
import { insightOf, insightRange, totalsOf } from '../../core/insight/brand-stats.ts';
import type { Order } from '../../core/model.ts';
import type { WebhookDelivery, WebhookEndpoint } from '../../core/webhooks/webhooks.ts';
import type { ApiEnv } from '../env.ts';
import { idempotent } from '../idempotent.ts';
import { bearer, body, errorResponses, idempotencyHeader, json } from '../openapi.ts';
import {
  BindSkuSchema,
  BrandInsightSchema,
  BrandOrdersQuery,
  BrandTotalsSchema,
  ButtonPage,
  ButtonSchema,
  DeviceId,
  FulfilmentPage,
  InsightQuery,
  NewSkuSchema,
  NewWebhookEndpointSchema,
  OrderId,
  OrderPage,
  OrderSchema,
  PageQuery,
  RegisterBatchSchema,
  RegisteredBatchSchema,
  SkuChangesSchema,
  SkuId,
  SkuPage,
  SkuSchema,
  WebhookDeliveryId,
  WebhookDeliveryPage,
  WebhookDeliverySchema,
  WebhookEndpointId,
  WebhookEndpointSchema,
  WebhookSecretSchema,
  WebhooksSchema,
} from '../schemas.ts';
import type { Services } from '../services.ts';
import { buttonView } from '../views.ts';

const tags = ['brand'];
const common = { tags, security: bearer };
const SkuParam = z.object({ skuId: SkuId });
const DeviceParam = z.object({ deviceId: DeviceId });
const OrderParam = z.object({ orderId: OrderId });

export function brandRoutes(app: OpenAPIHono<ApiEnv>, s: Services): void {
  const { stores } = s.deps;
  const brandOf = (c: { get(key: 'principal'): { tenant: string } }) => c.get('principal').tenant;

  async function brandOrder(brandId: string, orderId: string): Promise<Order> {
    const order = await stores.orders.getOrder(orderId);
    if (!order || order.brandId !== brandId) throw new NotFoundError('order', orderId);
    return order;
  }

  // --- SKUs ---
  app.openapi(
    createRoute({
      ...common,
      method: 'get',
      path: '/v1/brand/skus',
      summary: 'List the brand’s SKUs',
      request: { query: PageQuery },
      responses: { 200: json(SkuPage, 'a page of SKUs'), ...errorResponses },
    }),
    async (c) => c.json(await stores.skus.listSkus(brandOf(c), c.req.valid('query')), 200),
  );

  app.openapi(
    createRoute({
      ...common,
      method: 'post',
      path: '/v1/brand/skus',
      summary: 'Create a SKU',
      middleware: [idempotent(s.idempotency)],
      request: body(NewSkuSchema),
      parameters: [idempotencyHeader],
      responses: { 201: json(SkuSchema, 'the new SKU'), ...errorResponses },
    }),
    async (c) => c.json(await s.catalog.create(brandOf(c), c.req.valid('json')), 201),
  );

  app.openapi(
    createRoute({
      ...common,
      method: 'get',
      path: '/v1/brand/skus/{skuId}',
      summary: 'Read a SKU with its price history',
      request: { params: SkuParam },
      responses: { 200: json(SkuSchema, 'the SKU'), ...errorResponses },
    }),
    async (c) => c.json(await s.catalog.get(brandOf(c), c.req.valid('param').skuId), 200),
  );

  app.openapi(
    createRoute({
      ...common,
      method: 'patch',
      path: '/v1/brand/skus/{skuId}',
      summary: 'Change a SKU (a price change is added to its price history)',
      request: { params: SkuParam, ...body(SkuChangesSchema) },
      responses: { 200: json(SkuSchema, 'the changed SKU'), ...errorResponses },
    }),
    async (c) =>
      c.json(
        await s.catalog.update(brandOf(c), c.req.valid('param').skuId, c.req.valid('json')),
        200,
      ),
  );

  app.openapi(
    createRoute({
      ...common,
      method: 'post',
      path: '/v1/brand/skus/{skuId}/retire',
      summary: 'Retire a SKU (kept for past orders; can no longer be bound)',
      request: { params: SkuParam },
      responses: { 200: json(SkuSchema, 'the retired SKU'), ...errorResponses },
    }),
    async (c) => c.json(await s.catalog.retire(brandOf(c), c.req.valid('param').skuId), 200),
  );

  // --- Buttons ---
  app.openapi(
    createRoute({
      ...common,
      method: 'get',
      path: '/v1/brand/buttons',
      summary: 'List the brand’s buttons',
      request: { query: PageQuery },
      responses: { 200: json(ButtonPage, 'a page of buttons'), ...errorResponses },
    }),
    async (c) => {
      const page = await stores.buttons.listBrandButtons(brandOf(c), c.req.valid('query'));
      return c.json({ items: page.items.map(buttonView), cursor: page.cursor }, 200);
    },
  );

  app.openapi(
    createRoute({
      ...common,
      method: 'post',
      path: '/v1/brand/buttons',
      summary: 'Register a batch of buttons; returns each one’s claim code, once',
      middleware: [
        idempotent(s.idempotency, {
          // Claim codes never rest in the idempotency record; a replay derives them again.
          redact: (response) => {
            const batch = response as z.infer<typeof RegisteredBatchSchema>;
            return { ...batch, buttons: batch.buttons.map(({ claimCode: _c, ...b }) => b) };
          },
          restore: async (stored) => {
            const batch = stored as { keyVersion: number; buttons: { deviceId: string }[] };
            const buttons = [];
            for (const b of batch.buttons) {
              buttons.push({
                ...b,
                claimCode: await s.fleet.claimCodeFor(b.deviceId, batch.keyVersion),
              });
            }
            return { ...batch, buttons };
          },
        }),
      ],
      parameters: [idempotencyHeader],
      request: body(RegisterBatchSchema),
      responses: { 201: json(RegisteredBatchSchema, 'the registered buttons'), ...errorResponses },
    }),
    async (c) => {
      const { keyVersion, buttons } = c.req.valid('json');
      const registered = await s.fleet.registerBatch(brandOf(c), keyVersion, buttons);
      return c.json({ keyVersion, buttons: registered }, 201);
    },
  );

  app.openapi(
    createRoute({
      ...common,
      method: 'get',
      path: '/v1/brand/buttons/{deviceId}',
      summary: 'Read one of the brand’s buttons',
      request: { params: DeviceParam },
      responses: { 200: json(ButtonSchema, 'the button'), ...errorResponses },
    }),
    async (c) => {
      const button = await s.fleet.get(c.req.valid('param').deviceId, { brandId: brandOf(c) });
      return c.json(buttonView(button), 200);
    },
  );

  app.openapi(
    createRoute({
      ...common,
      method: 'put',
      path: '/v1/brand/buttons/{deviceId}/sku',
      summary: 'Bind or re-bind the button to one of the brand’s SKUs',
      request: { params: DeviceParam, ...body(BindSkuSchema) },
      responses: { 200: json(ButtonSchema, 'the button'), ...errorResponses },
    }),
    async (c) => {
      const button = await s.fleet.bindSku(
        brandOf(c),
        c.req.valid('param').deviceId,
        c.req.valid('json').skuId,
      );
      return c.json(buttonView(button), 200);
    },
  );

  // --- Orders ---
  app.openapi(
    createRoute({
      ...common,
      method: 'get',
      path: '/v1/brand/fulfilment',
      summary: 'CONFIRMED orders to fulfil, oldest first, with the delivery address',
      request: { query: PageQuery },
      responses: { 200: json(FulfilmentPage, 'a page of orders to ship'), ...errorResponses },
    }),
    async (c) => {
      const page = await stores.orders.listBrandOrders(
        brandOf(c),
        'CONFIRMED',
        c.req.valid('query'),
      );
      const items = [];
      for (const order of page.items) {
        const household = await stores.households.getHousehold(order.householdId);
        items.push({
          ...order,
          shipTo: household ? { name: household.name, address: household.address } : null,
        });
      }
      return c.json({ items, cursor: page.cursor }, 200);
    },
  );

  app.openapi(
    createRoute({
      ...common,
      method: 'get',
      path: '/v1/brand/orders',
      summary: 'The brand’s orders in one status, oldest first by the time they entered it',
      description:
        'Orders enter the brand’s lists when their cancel window closes (CONFIRMED) or they ' +
        'end; while PLACED or NEEDS_CONFIRMATION they are the household’s, and those lists are empty.',
      request: { query: BrandOrdersQuery },
      responses: { 200: json(OrderPage, 'a page of orders'), ...errorResponses },
    }),
    async (c) => {
      const { status, ...page } = c.req.valid('query');
      return c.json(await stores.orders.listBrandOrders(brandOf(c), status, page), 200);
    },
  );

  app.openapi(
    createRoute({
      ...common,
      method: 'get',
      path: '/v1/brand/orders/{orderId}',
      summary: 'Read one of the brand’s orders',
      request: { params: OrderParam },
      responses: { 200: json(OrderSchema, 'the order'), ...errorResponses },
    }),
    async (c) => c.json(await brandOrder(brandOf(c), c.req.valid('param').orderId), 200),
  );

  for (const step of ['ship', 'deliver'] as const) {
    app.openapi(
      createRoute({
        ...common,
        method: 'post',
        path: `/v1/brand/orders/{orderId}/${step}`,
        summary:
          step === 'ship'
            ? 'Report a CONFIRMED order SHIPPED'
            : 'Report a SHIPPED order DELIVERED (frees the button for its next order)',
        request: { params: OrderParam },
        responses: { 200: json(OrderSchema, 'the order'), ...errorResponses },
      }),
      async (c) => {
        const brandId = brandOf(c);
        const { orderId } = c.req.valid('param');
        await brandOrder(brandId, orderId);
        const actor = { kind: 'brand' as const, id: brandId };
        // Delivery goes through the welcome credit, which may discount the order it delivers.
        const order =
          step === 'deliver'
            ? await s.welcomeCredits.deliver(orderId, actor)
            : await s.deps.orderService.ship(orderId, actor);
        return c.json(order, 200);
      },
    );
  }

  app.openapi(
    createRoute({
      ...common,
      method: 'get',
      path: '/v1/brand/totals',
      summary: 'Order counts and revenue, anonymised orders included',
      responses: { 200: json(BrandTotalsSchema, 'the totals'), ...errorResponses },
    }),
    async (c) => {
      const brandId = brandOf(c);
      return c.json(totalsOf(brandId, await stores.stats.buckets(brandId)), 200);
    },
  );

  app.openapi(
    createRoute({
      ...common,
      method: 'get',
      path: '/v1/brand/insight',
      summary:
        'Orders per day per SKU, cancellations and accidental orders per SKU, RFM segments and claim-month cohorts, from maintained aggregates',
      request: { query: InsightQuery },
      responses: { 200: json(BrandInsightSchema, 'the insight'), ...errorResponses },
    }),
    async (c) => {
      const brandId = brandOf(c);
      const query = c.req.valid('query');
      const now = s.deps.clock.now();
      const range = insightRange(now, query);
      const perDay = insightOf(brandId, range, await stores.stats.buckets(brandId, range));
      return c.json({ ...perDay, ...(await s.insight.insight(brandId, now)) }, 200);
    },
  );

  // --- Webhooks ---
  const EndpointParam = z.object({ endpointId: WebhookEndpointId });
  const DeliveryParam = z.object({ deliveryId: WebhookDeliveryId });
  const endpointView = (e: WebhookEndpoint) => ({
    endpointId: e.endpointId,
    url: e.url,
    eventTypes: e.eventTypes,
    createdAt: e.createdAt,
  });
  const deliveryView = ({ body: _body, brandId: _brand, ...d }: WebhookDelivery) => d;

  app.openapi(
    createRoute({
      ...common,
      method: 'get',
      path: '/v1/brand/webhooks',
      summary: 'The brand’s webhook endpoints and which secrets sign',
      responses: { 200: json(WebhooksSchema, 'endpoints and secret ids'), ...errorResponses },
    }),
    async (c) => {
      const brandId = brandOf(c);
      const [endpoints, secrets] = await Promise.all([
        stores.webhooks.listEndpoints(brandId),
        stores.webhooks.getSecrets(brandId),
      ]);
      const now = s.deps.clock.now();
      const overlapping = secrets?.previous && (secrets.previousUntil ?? 0) > now;
      return c.json(
        {
          endpoints: endpoints.map(endpointView),
          secret: secrets
            ? {
                secretId: secrets.current.secretId,
                createdAt: secrets.current.createdAt,
                previousSecretId: overlapping ? (secrets.previous?.secretId ?? null) : null,
                previousUntil: overlapping ? secrets.previousUntil : null,
              }
            : null,
        },
        200,
      );
    },
  );

  app.openapi(
    createRoute({
      ...common,
      method: 'post',
      path: '/v1/brand/webhooks/endpoints',
      summary: 'Register an HTTPS endpoint for the chosen event types',
      request: body(NewWebhookEndpointSchema),
      responses: { 201: json(WebhookEndpointSchema, 'the endpoint'), ...errorResponses },
    }),
    async (c) =>
      c.json(endpointView(await s.webhooks.addEndpoint(brandOf(c), c.req.valid('json'))), 201),
  );

  app.openapi(
    createRoute({
      ...common,
      method: 'delete',
      path: '/v1/brand/webhooks/endpoints/{endpointId}',
      summary: 'Remove an endpoint (deliveries already queued still run)',
      request: { params: EndpointParam },
      responses: {
        200: json(z.object({ deleted: z.literal(true) }), 'removed'),
        ...errorResponses,
      },
    }),
    async (c) => {
      await s.webhooks.removeEndpoint(brandOf(c), c.req.valid('param').endpointId);
      return c.json({ deleted: true as const }, 200);
    },
  );

  app.openapi(
    createRoute({
      ...common,
      method: 'post',
      path: '/v1/brand/webhooks/secret',
      summary: 'Create or rotate the signing secret (the previous one signs for 24 more hours)',
      responses: {
        201: json(WebhookSecretSchema, 'the new secret, shown once'),
        ...errorResponses,
      },
    }),
    async (c) => {
      const secrets = await s.webhooks.rotateSecret(brandOf(c));
      c.header('Cache-Control', 'no-store');
      return c.json(
        {
          secretId: secrets.current.secretId,
          secret: secrets.current.secret,
          previousSecretId: secrets.previous?.secretId ?? null,
          previousUntil: secrets.previousUntil,
        },
        201,
      );
    },
  );

  app.openapi(
    createRoute({
      ...common,
      method: 'get',
      path: '/v1/brand/webhooks/dead-letters',
      summary: 'Deliveries that failed for 24 hours, newest first',
      request: { query: PageQuery },
      responses: { 200: json(WebhookDeliveryPage, 'a page of deliveries'), ...errorResponses },
    }),
    async (c) => {
      const page = await stores.webhooks.listDeadDeliveries(brandOf(c), c.req.valid('query'));
      return c.json({ items: page.items.map(deliveryView), cursor: page.cursor }, 200);
    },
  );

  app.openapi(
    createRoute({
      ...common,
      method: 'post',
      path: '/v1/brand/webhooks/dead-letters/{deliveryId}/replay',
      summary: 'Queue a dead-lettered delivery again (a new 24-hour run of retries)',
      request: { params: DeliveryParam },
      responses: { 200: json(WebhookDeliverySchema, 'the queued delivery'), ...errorResponses },
    }),
    async (c) =>
      c.json(
        deliveryView(await s.webhooks.replay(brandOf(c), c.req.valid('param').deliveryId)),
        200,
      ),
  );
}
