/** Shared pieces of every route's OpenAPI description. */
import type { z } from '@hono/zod-openapi';
import { ErrorSchema } from './schemas.ts';

export const json = <T extends z.ZodType>(schema: T, description: string) => ({
  description,
  content: { 'application/json': { schema } },
});

export const body = <T extends z.ZodType>(schema: T) => ({
  body: { content: { 'application/json': { schema } }, required: true },
});

const error = (description: string) => json(ErrorSchema, description);

/** The failures any authenticated route can answer with. */
export const errorResponses = {
  400: error('the request is malformed'),
  401: error('no valid bearer token'),
  403: error('the token’s role may not use this route'),
  404: error('not found, or not visible to this tenant'),
  409: error('the current state does not allow this'),
  422: error('a domain rule refused the request, or an Idempotency-Key was reused'),
  503: error('the store is unavailable; retry'),
};

export const bearer = [{ bearer: [] }];

export const idempotencyHeader = {
  name: 'Idempotency-Key',
  in: 'header' as const,
  required: false,
  description: 'same key + same body → the first response again; same key + other body → 422',
  schema: { type: 'string' as const, pattern: '^[A-Za-z0-9_.:-]{1,128}$' },
};
