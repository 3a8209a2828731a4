/**
 * Brand routes for welcome credits: the credit per SKU that the first delivered order of a
 * newly claimed button carries as its discount (core/credits has the rule).
 */
import { createRoute, type OpenAPIHono, z } from '@hono/zod-openapi';
import type { ApiEnv } from '../env.ts';
import { bearer, body, errorResponses, json } from '../openapi.ts';
import { cents, SkuId } from '../schemas.ts';
import type { Services } from '../services.ts';

const common = { tags: ['brand'], security: bearer };
const SkuParam = z.object({ skuId: SkuId });

export const WelcomeCreditSchema = z
  .object({
    skuId: z.string(),
    amount: cents,
    currency: z.string(),
    campaign: z.string().nullable(),
    updatedAt: z.number().int(),
  })
  .openapi('WelcomeCredit');

export const WelcomeCreditInputSchema = z
  .object({
    amount: z.number().int().min(1).max(1_000_000).openapi({ description: 'integer minor units' }),
    currency: z
      .string()
      .regex(/^[A-Z]{3}$/)
      .openapi({ example: 'EUR', description: 'the SKU’s currency' }),
    campaign: z.string().trim().min(1).max(100).optional(),
  })
  .openapi('WelcomeCreditInput');

const view = ({
  brandId: _brand,
  ...credit
}: { brandId: string } & z.infer<typeof WelcomeCreditSchema>) => credit;

export function welcomeCreditRoutes(app: OpenAPIHono<ApiEnv>, s: Services): void {
  const brandOf = (c: { get(key: 'principal'): { tenant: string } }) => c.get('principal').tenant;

  app.openapi(
    createRoute({
      ...common,
      method: 'get',
      path: '/v1/brand/welcome-credits',
      summary: 'The brand’s welcome-credit offers, by SKU',
      responses: {
        200: json(z.object({ items: z.array(WelcomeCreditSchema) }), 'the offers'),
        ...errorResponses,
      },
    }),
    async (c) => c.json({ items: (await s.welcomeCredits.list(brandOf(c))).map(view) }, 200),
  );

  app.openapi(
    createRoute({
      ...common,
      method: 'put',
      path: '/v1/brand/welcome-credits/{skuId}',
      summary:
        'Offer (or change) a welcome credit on a SKU: the first delivered order of each newly claimed button gets it, once per button and per household',
      request: { params: SkuParam, ...body(WelcomeCreditInputSchema) },
      responses: { 200: json(WelcomeCreditSchema, 'the offer'), ...errorResponses },
    }),
    async (c) => {
      const { skuId } = c.req.valid('param');
      return c.json(
        view(await s.welcomeCredits.offer(brandOf(c), skuId, c.req.valid('json'))),
        200,
      );
    },
  );

  app.openapi(
    createRoute({
      ...common,
      method: 'delete',
      path: '/v1/brand/welcome-credits/{skuId}',
      summary: 'Withdraw the offer (credits already granted stay on their orders)',
      request: { params: SkuParam },
      responses: {
        200: json(z.object({ deleted: z.literal(true) }), 'withdrawn'),
        ...errorResponses,
      },
    }),
    async (c) => {
      await s.welcomeCredits.withdraw(brandOf(c), c.req.valid('param').skuId);
      return c.json({ deleted: true as const }, 200);
    },
  );
}
