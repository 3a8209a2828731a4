/**
 * What the local stack serves on its HTTP port besides the API: the web console's static files
 * at `/` (from cloud/web/dist, built by `npm run build:web`), `/config.json` telling the page
 * to sign in locally, and — development only, never in the Lambda app — `POST /dev/token`,
 * which issues a local-issuer token for a chosen role and tenant. Everything else (/v1/*,
 * /health, /openapi.json) goes to the API app unchanged.
 *
 * Every route first checks the Host header (local-host.ts: no DNS rebinding), and
 * `/dev/token` reads its body under the API's size limit and refuses unknown fields.
 */
import { readFile } from 'node:fs/promises';
import { extname, join, normalize, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type Context, Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { z } from 'zod';
import { MAX_BODY_BYTES } from '../api/app.ts';
import { describeIssues } from '../api/http-errors.ts';
import type { LocalIssuer } from '../core/auth/local-issuer.ts';
import { ROLES } from '../core/auth/principal.ts';
import type { Role } from '../core/model.ts';
import { isLocalHostHeader } from './local-host.ts';

export const WEB_DIST = fileURLToPath(new URL('../web/dist/', import.meta.url));
const DEV_TOKEN_TTL_SECONDS = 8 * 3600;
const TENANT = /^[A-Za-z0-9_-]{1,64}$/;

const DevTokenRequest = z.strictObject({
  role: z.enum(ROLES as [string, ...string[]]),
  tenant: z.string().trim().regex(TENANT, 'letters, digits, - and _ (1 to 64)').optional(),
});

const refuse = (c: Context, status: 400 | 403 | 405 | 413, code: string, message: string) =>
  c.json({ error: { code, message } }, status);

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
};

export interface LocalWebOptions {
  api: { fetch(request: Request): Response | Promise<Response> };
  issuer: LocalIssuer;
  /** Folder of the built console (default cloud/web/dist). */
  distDir?: string;
}

export function localWebApp(options: LocalWebOptions): Hono {
  const dist = options.distDir ?? WEB_DIST;
  const web = new Hono();

  web.use('*', async (c, next) => {
    const host = c.req.header('host');
    if (isLocalHostHeader(host)) return next();
    return refuse(c, 403, 'HOST_NOT_ALLOWED', `Host ${host ?? '(none)'} is not this machine`);
  });

  web.post(
    '/dev/token',
    bodyLimit({
      maxSize: MAX_BODY_BYTES,
      onError: (c) =>
        refuse(c, 413, 'PAYLOAD_TOO_LARGE', `bodies are limited to ${MAX_BODY_BYTES} bytes`),
    }),
    async (c) => {
      const parsed = DevTokenRequest.safeParse(await c.req.json().catch(() => null));
      if (!parsed.success) {
        return refuse(c, 400, 'VALIDATION_FAILED', describeIssues(parsed.error.issues));
      }
      const { role, tenant } = parsed.data as { role: Role; tenant?: string };
      if (role !== 'support' && !tenant) {
        return refuse(c, 400, 'VALIDATION_FAILED', `a ${role} token needs a ${role} id (tenant)`);
      }
      const token = await options.issuer.sign({
        role,
        ...(role === 'support' ? { subject: 'support:dev' } : { tenant }),
        ttlSeconds: DEV_TOKEN_TTL_SECONDS,
      });
      c.header('X-Restock-Development', 'local issuer token; this route does not exist in AWS');
      return c.json({ token, expiresAt: Date.now() + DEV_TOKEN_TTL_SECONDS * 1000 }, 200);
    },
  );
  web.all('/dev/token', (c) => {
    c.header('Allow', 'POST');
    return refuse(c, 405, 'METHOD_NOT_ALLOWED', `${c.req.method} is not allowed; use POST`);
  });

  web.get('/config.json', (c) => c.json({ signIn: 'local' }));

  web.get('*', async (c, next) => {
    const path = c.req.path === '/' ? '/index.html' : c.req.path;
    const type = TYPES[extname(path)];
    if (!type || path.startsWith('/v1/') || path === '/openapi.json') return next();
    let decoded: string;
    try {
      decoded = decodeURIComponent(path);
    } catch {
      return next();
    }
    const file = normalize(join(dist, decoded));
    if (!file.startsWith(dist.endsWith(sep) ? dist : dist + sep)) return next();
    try {
      const content = await readFile(file);
      return c.body(content, 200, {
        'content-type': type,
        'cache-control': 'no-cache',
        'x-content-type-options': 'nosniff',
      });
    } catch {
      if (path !== '/index.html') return next();
      return c.html(
        '<!doctype html><title>Restock</title><p>The web console is not built yet: run <code>npm run build:web</code> (npm start does it for you).</p>',
        503,
      );
    }
  });

  web.all('*', (c) => options.api.fetch(c.req.raw));
  return web;
}
