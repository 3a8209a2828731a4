/**
 * Brand routes the console needs beyond the others: a batch of buttons registered row by row
 * (one result per row, so a CSV upload shows which lines went in and why the others did not),
 * and the brand's recent webhook deliveries in every state.
 */
import { createRoute, type OpenAPIHono, type z } from '@hono/zod-openapi';
import { RestockError } from '../../core/errors.ts';
import type { WebhookDelivery } from '../../core/webhooks/webhooks.ts';
import {
  type ButtonRowResultSchema,
  ButtonRowsResultSchema,
  ButtonRowsSchema,
} from '../console-schemas.ts';
import type { ApiEnv } from '../env.ts';
import { bearer, body, errorResponses, json } from '../openapi.ts';
import { DeviceId, PageQuery, WebhookDeliveryPage } from '../schemas.ts';
import type { Services } from '../services.ts';

const common = { tags: ['brand'], security: bearer };
const SERIAL_MAX = 64;

type RowResult = z.infer<typeof ButtonRowResultSchema>;

export function brandConsoleRoutes(app: OpenAPIHono<ApiEnv>, s: Services): void {
  const brandOf = (c: { get(key: 'principal'): { tenant: string } }) => c.get('principal').tenant;

  app.openapi(
    createRoute({
      ...common,
      method: 'post',
      path: '/v1/brand/button-rows',
      summary: 'Register buttons row by row; one result per row (safe to send again)',
      request: body(ButtonRowsSchema),
      responses: { 200: json(ButtonRowsResultSchema, 'one result per row'), ...errorResponses },
    }),
    async (c) => {
      const brandId = brandOf(c);
      const { keyVersion, rows } = c.req.valid('json');
      const seen = new Set<string>();
      const results: RowResult[] = [];
      for (const [index, input] of rows.entries()) {
        const deviceId = input.deviceId.trim();
        const serial = input.serial.trim();
        const refuse = (code: string, reason: string): RowResult => ({
          row: index + 1,
          deviceId,
          serial,
          outcome: 'REFUSED',
          claimCode: null,
          code,
          reason,
        });
        if (!DeviceId.safeParse(deviceId).success) {
          results.push(refuse('BAD_DEVICE_ID', 'device id: letters, digits, - _ . only'));
        } else if (serial.length === 0 || serial.length > SERIAL_MAX) {
          results.push(refuse('BAD_SERIAL', `serial: 1 to ${SERIAL_MAX} characters`));
        } else if (seen.has(deviceId)) {
          results.push(refuse('DUPLICATE_ROW', `device ${deviceId} is on an earlier row`));
        } else {
          seen.add(deviceId);
          try {
            const [done] = await s.fleet.registerBatch(brandId, keyVersion, [{ deviceId, serial }]);
            results.push({
              row: index + 1,
              deviceId,
              serial,
              outcome: 'REGISTERED',
              claimCode: done?.claimCode ?? null,
              code: null,
              reason: null,
            });
          } catch (error) {
            // Rule errors belong to the row; anything else (the store is down) fails the request.
            if (!(error instanceof RestockError) || error.code === 'STORE_UNAVAILABLE') throw error;
            results.push(refuse(error.code, error.message));
          }
        }
      }
      c.header('Cache-Control', 'no-store');
      const registered = results.filter((r) => r.outcome === 'REGISTERED').length;
      return c.json(
        { keyVersion, registered, refused: results.length - registered, rows: results },
        200,
      );
    },
  );

  const deliveryView = ({ body: _body, brandId: _brand, ...d }: WebhookDelivery) => d;
  app.openapi(
    createRoute({
      ...common,
      method: 'get',
      path: '/v1/brand/webhooks/deliveries',
      summary: 'The brand’s webhook deliveries in every state, newest queued first',
      request: { query: PageQuery },
      responses: { 200: json(WebhookDeliveryPage, 'a page of deliveries'), ...errorResponses },
    }),
    async (c) => {
      const page = await s.deps.stores.webhooks.listDeliveries(brandOf(c), c.req.valid('query'));
      return c.json({ items: page.items.map(deliveryView), cursor: page.cursor }, 200);
    },
  );
}
