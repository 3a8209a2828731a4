import { RestockError } from '../errors.ts';

/** No token, or one that fails signature, issuer, audience, expiry or algorithm checks (401). */
export class UnauthenticatedError extends RestockError {
  override readonly name = 'UnauthenticatedError';
  constructor(message: string, cause?: unknown) {
    super('UNAUTHENTICATED', message, { cause });
  }
}

/** A valid token whose role may not use this route (403). */
export class ForbiddenError extends RestockError {
  override readonly name = 'ForbiddenError';
  constructor(message: string) {
    super('FORBIDDEN', message);
  }
}
