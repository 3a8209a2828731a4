/** Fleet health for brands: battery, silence and versions of the brand's own buttons. */
import { createRoute, type OpenAPIHono } from '@hono/zod-openapi';
import { BATTERY_METHOD } from '../../core/health/battery.ts';
import type { ApiEnv } from '../env.ts';
import { FleetHealthSchema, HealthQuery } from '../health-schemas.ts';
import { bearer, errorResponses, json } from '../openapi.ts';
import type { Services } from '../services.ts';

export function brandHealthRoutes(app: OpenAPIHono<ApiEnv>, s: Services): void {
  app.openapi(
    createRoute({
      tags: ['brand'],
      security: bearer,
      method: 'get',
      path: '/v1/brand/health',
      summary: 'Battery trend, presses and days left, silence and versions per button',
      request: { query: HealthQuery },
      responses: { 200: json(FleetHealthSchema, 'a page of button health'), ...errorResponses },
    }),
    async (c) => {
      const brandId = c.get('principal').tenant;
      const page = await s.health.page(brandId, c.req.valid('query'));
      return c.json({ ...page, method: BATTERY_METHOD }, 200);
    },
  );
}
