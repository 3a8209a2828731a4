/**
 * Brand routes the console needs beyond the others: a batch of buttons registered row by row
 * (one result per row, so a CSV upload shows which lines went in and why the others did not),
 * and the brand's recent webhook deliveries in every state.
 */
import { createRoute, type OpenAPIHono, z } from '@hono/zod-openapi';
import { RestockError } from '../../core/errors.ts';
import type { WebhookDelivery } from '../../core/webhooks/webhooks.ts';
import type { ApiEnv } from '../env.ts';
import { bearer, body, errorResponses, json } from '../openapi.ts';
import { DeviceId, PageQuery, WebhookDeliveryPage } from '../schemas.ts';
import type { Services } from '../services.ts';

const common = { tags: ['brand'], security: bearer };
const SERIAL_MAX = 64;

export const ButtonRowsSchema = z
  .object({
    keyVersion: z.number().int().min(1).max(65535).default(1),
    rows: z
      .array(z.object({ deviceId: z.string().max(200), serial: z.string().max(200) }))
      .min(1)
      .max(500),
  })
  .openapi('ButtonRows', {
    description: 'rows as read from a CSV file; each is checked and registered on its own',
  });

export const ButtonRowResultSchema = z.object({
  row: z.number().int().openapi({ description: '1-based position in the request' }),
  deviceId: z.string(),
  serial: z.string(),
  outcome: z.enum(['REGISTERED', 'REFUSED']),
  claimCode: z.string().nullable().openapi({ description: 'shown once; only its hash is stored' }),
  code: z.string().nullable().openapi({ description: 'why the row was refused' }),
  reason: z.string().nullable(),
});

export const ButtonRowsResultSchema = z
  .object({
    keyVersion: z.number().int(),
    registered: z.number().int(),
    refused: z.number().int(),
    rows: z.array(ButtonRowResultSchema),
  })
  .openapi('ButtonRowsResult');

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
