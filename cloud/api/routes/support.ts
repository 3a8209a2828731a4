/**
 * Support routes: read anything, cancel orders not yet shipped, unbind buttons. Every action,
 * reads included, is appended to the audit trail before the answer goes out.
 */
import { createRoute, type OpenAPIHono, z } from '@hono/zod-openapi';
import type { Context } from 'hono';
import { NotFoundError, RestockError } from '../../core/errors.ts';
import type { Order } from '../../core/model.ts';
import type { ApiEnv } from '../env.ts';
import { bearer, body, errorResponses, json } from '../openapi.ts';
import {
  AuditPage,
  DeviceId,
  HouseholdId,
  OrderId,
  OrderPage,
  OrderSchema,
  PageQuery,
  PressLogPage,
  SupportBulkCancelResultSchema,
  SupportBulkCancelSchema,
  SupportButtonSchema,
  SupportCancelSchema,
  SupportHouseholdSchema,
  UnbindSchema,
} from '../schemas.ts';
import type { Services } from '../services.ts';
import { supportButtonView } from '../views.ts';

const common = { tags: ['support'], security: bearer };
const DeviceParam = z.object({ deviceId: DeviceId });
const OrderParam = z.object({ orderId: OrderId });
const HouseholdParam = z.object({ householdId: HouseholdId });

export function supportRoutes(app: OpenAPIHono<ApiEnv>, s: Services): void {
  const { stores, orderService } = s.deps;

  /** Audited before the change is made: an attempt that then fails is still on record. */
  async function cancelAsSupport(
    c: Context<ApiEnv>,
    orderId: string,
    reason: string,
  ): Promise<Order> {
    const actor = { kind: 'support' as const, id: c.get('principal').subject };
    if (!(await stores.orders.getOrder(orderId))) throw new NotFoundError('order', orderId);
    await s.audit(c, 'order.cancel', `order:${orderId}`, reason);
    return orderService.cancel(orderId, actor, reason);
  }

  app.openapi(
    createRoute({
      ...common,
      method: 'get',
      path: '/v1/support/buttons/{deviceId}',
      summary: 'Look up a button',
      request: { params: DeviceParam },
      responses: { 200: json(SupportButtonSchema, 'the button'), ...errorResponses },
    }),
    async (c) => {
      const { deviceId } = c.req.valid('param');
      const button = await s.fleet.get(deviceId, 'any');
      await s.audit(c, 'button.read', `button:${deviceId}`, null);
      return c.json(supportButtonView(button), 200);
    },
  );

  app.openapi(
    createRoute({
      ...common,
      method: 'get',
      path: '/v1/support/buttons/{deviceId}/presses',
      summary: 'A button’s press log: every press with its outcome and reason, newest first',
      request: { params: DeviceParam, query: PageQuery },
      responses: { 200: json(PressLogPage, 'a page of presses'), ...errorResponses },
    }),
    async (c) => {
      const { deviceId } = c.req.valid('param');
      await s.fleet.get(deviceId, 'any');
      const page = await stores.orders.pressLog(deviceId, c.req.valid('query'));
      await s.audit(c, 'button.presses.read', `button:${deviceId}`, null);
      return c.json(page, 200);
    },
  );

  app.openapi(
    createRoute({
      ...common,
      method: 'post',
      path: '/v1/support/buttons/{deviceId}/unbind',
      summary: 'Unbind a button’s SKU (its presses answer UNBOUND until a SKU is bound again)',
      request: { params: DeviceParam, ...body(UnbindSchema) },
      responses: { 200: json(SupportButtonSchema, 'the button'), ...errorResponses },
    }),
    async (c) => {
      const { deviceId } = c.req.valid('param');
      const { reason } = c.req.valid('json');
      // Changes are audited before they are made: an attempt that then fails is still on record.
      await s.fleet.get(deviceId, 'any');
      await s.audit(c, 'button.unbind', `button:${deviceId}`, reason);
      const button = await s.fleet.unbind(deviceId);
      return c.json(supportButtonView(button), 200);
    },
  );

  app.openapi(
    createRoute({
      ...common,
      method: 'get',
      path: '/v1/support/households/{householdId}',
      summary: 'Look up a household and its buttons',
      request: { params: HouseholdParam },
      responses: { 200: json(SupportHouseholdSchema, 'the household'), ...errorResponses },
    }),
    async (c) => {
      const { householdId } = c.req.valid('param');
      const household = await stores.households.getHousehold(householdId);
      if (!household) throw new NotFoundError('household', householdId);
      const buttons = await stores.buttons.listHouseholdButtons(householdId, { limit: 100 });
      await s.audit(c, 'household.read', `household:${householdId}`, null);
      return c.json({ household, buttons: buttons.items.map(supportButtonView) }, 200);
    },
  );

  app.openapi(
    createRoute({
      ...common,
      method: 'get',
      path: '/v1/support/orders/{orderId}',
      summary: 'Look up an order',
      request: { params: OrderParam },
      responses: { 200: json(OrderSchema, 'the order'), ...errorResponses },
    }),
    async (c) => {
      const { orderId } = c.req.valid('param');
      const order = await stores.orders.getOrder(orderId);
      if (!order) throw new NotFoundError('order', orderId);
      await s.audit(c, 'order.read', `order:${orderId}`, null);
      return c.json(order, 200);
    },
  );

  app.openapi(
    createRoute({
      ...common,
      method: 'post',
      path: '/v1/support/orders/{orderId}/cancel',
      summary: 'Cancel any order not yet shipped; the reason is required',
      request: { params: OrderParam, ...body(SupportCancelSchema) },
      responses: { 200: json(OrderSchema, 'the cancelled order'), ...errorResponses },
    }),
    async (c) => {
      const { orderId } = c.req.valid('param');
      return c.json(await cancelAsSupport(c, orderId, c.req.valid('json').reason), 200);
    },
  );

  app.openapi(
    createRoute({
      ...common,
      method: 'get',
      path: '/v1/support/flagged-orders',
      summary:
        'Possibly accidental orders across households (early, quiet hours, child lock, reordered right after a cancel), not yet shipped, oldest first',
      request: { query: PageQuery },
      responses: { 200: json(OrderPage, 'a page of flagged orders'), ...errorResponses },
    }),
    async (c) => {
      const page = await stores.orders.listFlagged(c.req.valid('query'));
      await s.audit(c, 'orders.flagged.read', 'orders:flagged', null);
      return c.json(page, 200);
    },
  );

  app.openapi(
    createRoute({
      ...common,
      method: 'post',
      path: '/v1/support/cancellations',
      summary:
        'Cancel several orders with one reason; each cancel is audited and answered on its own',
      request: { ...body(SupportBulkCancelSchema) },
      responses: {
        200: json(SupportBulkCancelResultSchema, 'one result per order'),
        ...errorResponses,
      },
    }),
    async (c) => {
      const { orderIds, reason } = c.req.valid('json');
      const results = [];
      for (const orderId of orderIds) {
        try {
          results.push({ orderId, status: (await cancelAsSupport(c, orderId, reason)).status });
        } catch (error) {
          if (!(error instanceof RestockError)) throw error;
          results.push({ orderId, error: { code: error.code, message: error.message } });
        }
      }
      return c.json({ results }, 200);
    },
  );

  app.openapi(
    createRoute({
      ...common,
      method: 'get',
      path: '/v1/support/audit',
      summary: 'The audit trail of support actions, newest first (append-only: no route alters it)',
      request: { query: PageQuery },
      responses: { 200: json(AuditPage, 'a page of audit entries'), ...errorResponses },
    }),
    async (c) => c.json(await stores.audit.listAudit(c.req.valid('query')), 200),
  );
}
