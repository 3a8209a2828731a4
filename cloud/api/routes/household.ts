/**
 * Household routes: profile, claims, button settings, orders, notifications and their
 * subscriptions, export, erasure.
 */
import { createRoute, type OpenAPIHono, z } from '@hono/zod-openapi';
import { NotFoundError } from '../../core/errors.ts';
import type { Button, Order } from '../../core/model.ts';
import type { ApiEnv } from '../env.ts';
import { idempotent } from '../idempotent.ts';
import { bearer, body, errorResponses, idempotencyHeader, json } from '../openapi.ts';
import {
  AcceptTermsSchema,
  CancelSchema,
  ClaimSchema,
  DeviceId,
  ErasureSchema,
  ExportSchema,
  HouseholdButtonPage,
  HouseholdButtonSchema,
  HouseholdGuardChangesSchema,
  HouseholdGuardSchema,
  HouseholdSchema,
  NotificationPage,
  OrderId,
  OrderPage,
  OrderSchema,
  PageQuery,
  ProfileInputSchema,
  SettingsChangesSchema,
  SubscriptionInputSchema,
  SubscriptionList,
  SubscriptionSchema,
  TermsSchema,
} from '../schemas.ts';
import type { Services } from '../services.ts';
import { householdButtonView, subscriptionView } from '../views.ts';

const common = { tags: ['household'], security: bearer };
const DeviceParam = z.object({ deviceId: DeviceId });
const OrderParam = z.object({ orderId: OrderId });
const SubscriptionParam = z.object({ subscriptionId: z.string().min(1).max(64) });

export function householdRoutes(app: OpenAPIHono<ApiEnv>, s: Services): void {
  const { stores, clock, orderService } = s.deps;
  const householdOf = (c: { get(key: 'principal'): { tenant: string } }) =>
    c.get('principal').tenant;

  /** The household's view of its buttons, with the hint that needs each one's SKU. */
  async function viewOf(button: Button) {
    const skuId = button.settings.skuId;
    const sku = skuId === null ? null : await stores.skus.getSku(button.brandId, skuId);
    return householdButtonView(button, sku);
  }

  async function ownOrder(householdId: string, orderId: string): Promise<Order> {
    const order = await stores.orders.getOrder(orderId);
    if (!order || order.householdId !== householdId) throw new NotFoundError('order', orderId);
    return order;
  }

  // --- Profile ---
  app.openapi(
    createRoute({
      ...common,
      method: 'get',
      path: '/v1/household/profile',
      summary: 'Read the household’s profile',
      responses: { 200: json(HouseholdSchema, 'the profile'), ...errorResponses },
    }),
    async (c) => {
      const householdId = householdOf(c);
      const household = await stores.households.getHousehold(householdId);
      if (!household) throw new NotFoundError('household', householdId);
      return c.json(household, 200);
    },
  );

  app.openapi(
    createRoute({
      ...common,
      method: 'put',
      path: '/v1/household/profile',
      summary: 'Create or replace the household’s profile (name, e-mail, delivery address)',
      request: body(ProfileInputSchema),
      responses: { 200: json(HouseholdSchema, 'the profile'), ...errorResponses },
    }),
    async (c) => {
      const householdId = householdOf(c);
      const existing = await stores.households.getHousehold(householdId);
      const household = {
        householdId,
        ...c.req.valid('json'),
        createdAt: existing?.createdAt ?? clock.now(),
      };
      await stores.households.putHousehold(household);
      return c.json(household, 200);
    },
  );

  // --- Guard settings (every button) ---
  app.openapi(
    createRoute({
      ...common,
      method: 'get',
      path: '/v1/household/settings',
      summary: 'Read the household’s time zone, quiet hours and learning',
      responses: { 200: json(HouseholdGuardSchema, 'the settings'), ...errorResponses },
    }),
    async (c) => c.json(await s.guard.get(householdOf(c)), 200),
  );

  app.openapi(
    createRoute({
      ...common,
      method: 'patch',
      path: '/v1/household/settings',
      summary:
        'Change the household’s time zone, quiet hours or learning, on every button it holds (learning off forgets what was learned)',
      request: body(HouseholdGuardChangesSchema),
      responses: { 200: json(HouseholdGuardSchema, 'the settings'), ...errorResponses },
    }),
    async (c) => c.json(await s.guard.update(householdOf(c), c.req.valid('json')), 200),
  );

  // --- Buttons ---
  app.openapi(
    createRoute({
      ...common,
      method: 'post',
      path: '/v1/household/claims',
      summary: 'Claim a button with its one-time claim code',
      middleware: [idempotent(s.idempotency)],
      parameters: [idempotencyHeader],
      request: body(ClaimSchema),
      responses: { 201: json(HouseholdButtonSchema, 'the claimed button'), ...errorResponses },
    }),
    async (c) => {
      const householdId = householdOf(c);
      const claimed = await s.fleet.claim(householdId, c.req.valid('json').claimCode);
      await s.guard.applyTo(householdId, claimed.deviceId);
      const button = await s.fleet.get(claimed.deviceId, { householdId });
      return c.json(await viewOf(button), 201);
    },
  );

  app.openapi(
    createRoute({
      ...common,
      method: 'get',
      path: '/v1/household/buttons',
      summary: 'List the household’s buttons',
      request: { query: PageQuery },
      responses: { 200: json(HouseholdButtonPage, 'a page of buttons'), ...errorResponses },
    }),
    async (c) => {
      const page = await stores.buttons.listHouseholdButtons(householdOf(c), c.req.valid('query'));
      return c.json({ items: await Promise.all(page.items.map(viewOf)), cursor: page.cursor }, 200);
    },
  );

  app.openapi(
    createRoute({
      ...common,
      method: 'get',
      path: '/v1/household/buttons/{deviceId}',
      summary: 'Read one of the household’s buttons',
      request: { params: DeviceParam },
      responses: { 200: json(HouseholdButtonSchema, 'the button'), ...errorResponses },
    }),
    async (c) => {
      const button = await s.fleet.get(c.req.valid('param').deviceId, {
        householdId: householdOf(c),
      });
      return c.json(await viewOf(button), 200);
    },
  );

  app.openapi(
    createRoute({
      ...common,
      method: 'patch',
      path: '/v1/household/buttons/{deviceId}/settings',
      summary: 'Change a button’s settings (SKU among its brand’s, quantity, limits…)',
      request: { params: DeviceParam, ...body(SettingsChangesSchema) },
      responses: { 200: json(HouseholdButtonSchema, 'the button'), ...errorResponses },
    }),
    async (c) => {
      const button = await s.fleet.updateSettings(
        householdOf(c),
        c.req.valid('param').deviceId,
        c.req.valid('json'),
      );
      return c.json(await viewOf(button), 200);
    },
  );

  app.openapi(
    createRoute({
      ...common,
      method: 'get',
      path: '/v1/household/buttons/{deviceId}/terms',
      summary: 'What a press of the button orders, at what price, with an obligation to pay',
      request: { params: DeviceParam },
      responses: { 200: json(TermsSchema, 'the terms'), ...errorResponses },
    }),
    async (c) => c.json(await s.fleet.terms(householdOf(c), c.req.valid('param').deviceId), 200),
  );

  app.openapi(
    createRoute({
      ...common,
      method: 'post',
      path: '/v1/household/buttons/{deviceId}/terms',
      summary:
        'Accept the terms at the price shown; until then (or a confirmed first order) a press orders nothing',
      request: { params: DeviceParam, ...body(AcceptTermsSchema) },
      responses: { 200: json(TermsSchema, 'the accepted terms'), ...errorResponses },
    }),
    async (c) => {
      const { deviceId } = c.req.valid('param');
      const { priceCents } = c.req.valid('json');
      return c.json(await s.fleet.acceptTerms(householdOf(c), deviceId, priceCents), 200);
    },
  );

  // --- Orders ---
  app.openapi(
    createRoute({
      ...common,
      method: 'get',
      path: '/v1/household/orders',
      summary: 'List the household’s orders, newest first',
      request: { query: PageQuery },
      responses: { 200: json(OrderPage, 'a page of orders'), ...errorResponses },
    }),
    async (c) =>
      c.json(await stores.orders.listHouseholdOrders(householdOf(c), c.req.valid('query')), 200),
  );

  app.openapi(
    createRoute({
      ...common,
      method: 'get',
      path: '/v1/household/orders/{orderId}',
      summary: 'Read one of the household’s orders',
      request: { params: OrderParam },
      responses: { 200: json(OrderSchema, 'the order'), ...errorResponses },
    }),
    async (c) => c.json(await ownOrder(householdOf(c), c.req.valid('param').orderId), 200),
  );

  app.openapi(
    createRoute({
      ...common,
      method: 'post',
      path: '/v1/household/orders/{orderId}/cancel',
      summary: 'Cancel an order inside its cancel window',
      request: { params: OrderParam, ...body(CancelSchema) },
      responses: { 200: json(OrderSchema, 'the cancelled order'), ...errorResponses },
    }),
    async (c) => {
      const householdId = householdOf(c);
      const order = await ownOrder(householdId, c.req.valid('param').orderId);
      const actor = { kind: 'household' as const, id: householdId };
      const reason = c.req.valid('json').reason;
      return c.json(await orderService.cancel(order.orderId, actor, reason), 200);
    },
  );

  for (const step of ['confirm', 'decline'] as const) {
    app.openapi(
      createRoute({
        ...common,
        method: 'post',
        path: `/v1/household/orders/{orderId}/${step}`,
        summary:
          step === 'confirm'
            ? 'Confirm a NEEDS_CONFIRMATION order (a new price, or a press the guard held)'
            : 'Decline a NEEDS_CONFIRMATION order',
        request: { params: OrderParam },
        responses: { 200: json(OrderSchema, 'the order'), ...errorResponses },
      }),
      async (c) => {
        const householdId = householdOf(c);
        const order = await ownOrder(householdId, c.req.valid('param').orderId);
        const actor = { kind: 'household' as const, id: householdId };
        return c.json(await orderService[step](order.orderId, actor), 200);
      },
    );
  }

  // --- Notifications, export, erasure ---
  app.openapi(
    createRoute({
      ...common,
      method: 'get',
      path: '/v1/household/notifications',
      summary: 'List notifications, newest first',
      request: { query: PageQuery },
      responses: { 200: json(NotificationPage, 'a page of notifications'), ...errorResponses },
    }),
    async (c) =>
      c.json(
        await stores.notifications.listNotifications(householdOf(c), c.req.valid('query')),
        200,
      ),
  );

  app.openapi(
    createRoute({
      ...common,
      method: 'get',
      path: '/v1/household/subscriptions',
      summary: 'Where notifications are also sent (e-mail, SMS)',
      responses: { 200: json(SubscriptionList, 'the subscriptions'), ...errorResponses },
    }),
    async (c) => {
      const items = await s.subscriptions.list(householdOf(c));
      return c.json({ items: items.map(subscriptionView) }, 200);
    },
  );

  app.openapi(
    createRoute({
      ...common,
      method: 'post',
      path: '/v1/household/subscriptions',
      summary:
        'Also send notifications to an e-mail address or phone (e-mail asks to confirm first)',
      request: body(SubscriptionInputSchema),
      responses: { 201: json(SubscriptionSchema, 'the subscription'), ...errorResponses },
    }),
    async (c) => {
      const { protocol, endpoint } = c.req.valid('json');
      const made = await s.subscriptions.subscribe(householdOf(c), protocol, endpoint);
      return c.json(subscriptionView(made), 201);
    },
  );

  app.openapi(
    createRoute({
      ...common,
      method: 'delete',
      path: '/v1/household/subscriptions/{subscriptionId}',
      summary: 'Stop sending notifications there',
      request: { params: SubscriptionParam },
      responses: { 200: json(SubscriptionSchema, 'the removed subscription'), ...errorResponses },
    }),
    async (c) => {
      const { subscriptionId } = c.req.valid('param');
      const removed = await s.subscriptions.unsubscribe(householdOf(c), subscriptionId);
      return c.json(subscriptionView(removed), 200);
    },
  );

  app.openapi(
    createRoute({
      ...common,
      method: 'get',
      path: '/v1/household/export',
      summary: 'Everything stored about the household, as JSON',
      responses: { 200: json(ExportSchema, 'the export'), ...errorResponses },
    }),
    async (c) => {
      const data = await s.account.export(householdOf(c));
      return c.json(
        {
          ...data,
          buttons: await Promise.all(data.buttons.map(viewOf)),
          subscriptions: data.subscriptions.map(subscriptionView),
        },
        200,
      );
    },
  );

  app.openapi(
    createRoute({
      ...common,
      method: 'delete',
      path: '/v1/household',
      summary: 'Erase the account: personal data deleted, orders kept anonymised',
      responses: { 200: json(ErasureSchema, 'what was erased'), ...errorResponses },
    }),
    async (c) => c.json(await s.account.erase(householdOf(c)), 200),
  );
}
