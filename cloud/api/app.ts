/**
 * The HTTP API: one Hono app for brands, households and support. The same object runs in
 * Lambda (hono/aws-lambda), in Node locally (@hono/node-server) and in tests (app.request).
 */
import { createRoute, OpenAPIHono } from '@hono/zod-openapi';
import { bodyLimit } from 'hono/body-limit';
import { HTTPException } from 'hono/http-exception';
import type { Role } from '../core/model.ts';
import { allowedMethods } from './allowed-methods.ts';
import { requireRole } from './auth.ts';
import type { ApiDeps } from './deps.ts';
import type { ApiEnv } from './env.ts';
import { describeIssues, toHttpError } from './http-errors.ts';
import { json } from './openapi.ts';
import { brandRoutes } from './routes/brand.ts';
import { brandConsoleRoutes } from './routes/brand-console.ts';
import { brandHealthRoutes } from './routes/brand-health.ts';
import { householdRoutes } from './routes/household.ts';
import { rolloutRoutes } from './routes/rollouts.ts';
import { sandboxRoutes } from './routes/sandbox.ts';
import { supportRoutes } from './routes/support.ts';
import { welcomeCreditRoutes } from './routes/welcome-credits.ts';
import { HealthSchema } from './schemas.ts';
import { buildServices } from './services.ts';

/** A batch of 100 buttons is about 8 KB; anything far larger is not a real request. */
export const MAX_BODY_BYTES = 64 * 1024;

export const API_TITLE = 'Restock API';
export const API_VERSION = '1.0.0';

export function createApiApp(deps: ApiDeps): OpenAPIHono<ApiEnv> {
  const app = new OpenAPIHono<ApiEnv>({
    defaultHook: (result, c) => {
      if (result.success) return;
      const message = describeIssues(result.error.issues);
      return c.json({ error: { code: 'VALIDATION_FAILED', message } }, 400);
    },
  });
  const services = buildServices(deps);

  app.onError((error, c) => {
    const { status, body } = toHttpError(error);
    const log = status >= 500 ? deps.log.error : deps.log.info;
    log.call(deps.log, 'request failed', {
      method: c.req.method,
      path: c.req.path,
      status,
      code: body.error.code,
      error: error instanceof Error ? `${error.name}: ${error.message}` : String(error),
    });
    return c.json(body, status);
  });
  app.notFound((c) => {
    const allow = allowedMethods(app.routes, c.req.path);
    if (allow.length > 0) {
      c.header('Allow', allow.join(', '));
      return c.json(
        {
          error: {
            code: 'METHOD_NOT_ALLOWED',
            message: `${c.req.method} is not allowed on ${c.req.path}; use ${allow.join(', ')}`,
          },
        },
        405,
      );
    }
    return c.json(
      { error: { code: 'NOT_FOUND', message: `no route for ${c.req.method} ${c.req.path}` } },
      404,
    );
  });

  const scopes: [string, Role][] = [
    ['/v1/brand/*', 'brand'],
    ['/v1/household/*', 'household'],
    ['/v1/support/*', 'support'],
  ];
  for (const [path, role] of scopes) app.use(path, requireRole(deps.tokens, role));
  app.use(
    '/v1/*',
    bodyLimit({
      maxSize: MAX_BODY_BYTES,
      onError: () => {
        throw new HTTPException(413, { message: `bodies are limited to ${MAX_BODY_BYTES} bytes` });
      },
    }),
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/health',
      tags: ['meta'],
      summary: 'Liveness',
      responses: { 200: json(HealthSchema, 'the app is up') },
    }),
    (c) => c.json({ status: 'ok' as const }, 200),
  );

  brandRoutes(app, services);
  brandConsoleRoutes(app, services);
  brandHealthRoutes(app, services);
  householdRoutes(app, services);
  supportRoutes(app, services);
  if (deps.ota && services.rollouts) rolloutRoutes(app, services, services.rollouts, deps.ota);
  welcomeCreditRoutes(app, services);
  sandboxRoutes(app, services);

  app.openAPIRegistry.registerComponent('securitySchemes', 'bearer', {
    type: 'http',
    scheme: 'bearer',
    bearerFormat: 'JWT',
    description: 'Cognito ID token in AWS; `npm run token` locally',
  });
  app.doc31('/openapi.json', {
    openapi: '3.1.0',
    info: {
      title: API_TITLE,
      version: API_VERSION,
      description: 'Brands, households and support. Errors: {"error":{"code","message"}}.',
    },
  });
  return app;
}
