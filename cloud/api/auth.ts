/**
 * Bearer-token authentication and role checks. Runs before any validation or store call, so a
 * refused request never touches the store.
 */
import type { MiddlewareHandler } from 'hono';
import { ForbiddenError, UnauthenticatedError } from '../core/auth/errors.ts';
import type { TokenVerifier } from '../core/auth/token-verifier.ts';
import type { Role } from '../core/model.ts';
import type { ApiEnv } from './env.ts';

export function requireRole(tokens: TokenVerifier, role: Role): MiddlewareHandler<ApiEnv> {
  return async (c, next) => {
    const header = c.req.header('Authorization') ?? '';
    // The scheme is case-insensitive (RFC 9110 §11.1): `bearer` and `BEARER` are Bearer too.
    const match = /^Bearer +([A-Za-z0-9_.-]+)$/i.exec(header);
    if (!match?.[1]) throw new UnauthenticatedError('a bearer token is required');
    const principal = await tokens.verify(match[1]);
    if (principal.role !== role) {
      throw new ForbiddenError(`this route is for the ${role} role`);
    }
    c.set('principal', principal);
    await next();
  };
}
