/**
 * Who is calling, as read from verified token claims. Cognito puts the role in
 * `cognito:groups` (or a `custom:role` attribute); the local issuer uses `custom:role`.
 */
import type { JWTPayload } from 'jose';
import type { Role } from '../model.ts';
import { ForbiddenError } from './errors.ts';

export interface Principal {
  role: Role;
  /** Household id or brand id; for support, the staff member's subject. */
  tenant: string;
  subject: string;
}

export const ROLES: readonly Role[] = ['household', 'brand', 'support'];
const isRole = (value: unknown): value is Role => ROLES.includes(value as Role);

export function principalFromClaims(claims: JWTPayload): Principal {
  const subject = typeof claims.sub === 'string' ? claims.sub : '';
  const groups = claims['cognito:groups'];
  const role = isRole(claims['custom:role'])
    ? claims['custom:role']
    : Array.isArray(groups)
      ? groups.find(isRole)
      : undefined;
  if (!role) throw new ForbiddenError('the token carries no known role');
  const tenant = claims['custom:tenant'];
  if (role === 'support') return { role, tenant: subject || 'support', subject };
  if (typeof tenant !== 'string' || !/^[A-Za-z0-9_-]{1,64}$/.test(tenant)) {
    throw new ForbiddenError('the token carries no valid tenant');
  }
  return { role, tenant, subject };
}
