/**
 * The Idempotency-Key header on POSTs that create something. The record is keyed by role and
 * tenant, so two tenants' keys never meet; the request is identified by method, path and the
 * canonical JSON body. `redact`/`restore` keep secrets (claim codes) out of the stored
 * response and put them back on replay.
 */
import { createHash } from 'node:crypto';
import type { Context, MiddlewareHandler } from 'hono';
import type { Idempotency } from '../core/idempotency/idempotency.ts';
import type { ApiEnv } from './env.ts';
import { RequestValidationError } from './http-errors.ts';

export interface IdempotentOptions {
  redact?: (body: unknown) => unknown;
  restore?: (body: unknown) => Promise<unknown>;
}

const KEY_PATTERN = /^[A-Za-z0-9_.:-]{1,128}$/;

export function idempotent(
  idempotency: Idempotency,
  options: IdempotentOptions = {},
): MiddlewareHandler<ApiEnv> {
  return async (c, next) => {
    const key = c.req.header('Idempotency-Key');
    if (key === undefined) return next();
    if (!KEY_PATTERN.test(key)) {
      throw new RequestValidationError('Idempotency-Key must be 1-128 of [A-Za-z0-9_.:-]');
    }
    const { role, tenant } = c.get('principal');
    const hash = requestHash(c, await c.req.text());
    const { response, replayed } = await idempotency.run(
      `${role}:${tenant}`,
      key,
      hash,
      async () => {
        await next();
        const body: unknown = await c.res.clone().json();
        return { status: c.res.status, body: options.redact ? options.redact(body) : body };
      },
    );
    if (replayed) {
      const body = options.restore ? await options.restore(response.body) : response.body;
      c.res = new Response(JSON.stringify(body), {
        status: response.status,
        headers: { 'Content-Type': 'application/json', 'Idempotent-Replayed': 'true' },
      });
    }
  };
}

function requestHash(c: Context, text: string): string {
  return createHash('sha256')
    .update(`${c.req.method} ${c.req.path}\n${canonicalJson(text)}`)
    .digest('hex');
}

/** Key order and whitespace do not make a different request. */
function canonicalJson(text: string): string {
  try {
    return JSON.stringify(sortKeys(JSON.parse(text)));
  } catch (_error) {
    return text;
  }
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value && typeof value === 'object') {
    return Object.fromEntries(
      Object.keys(value)
        .sort()
        .map((k) => [k, sortKeys((value as Record<string, unknown>)[k])]),
    );
  }
  return value;
}
