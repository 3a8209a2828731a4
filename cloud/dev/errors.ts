import { RestockError } from '../core/errors.ts';

/** A flag, environment variable or data-folder file that the local stack cannot use. */
export class LocalConfigError extends RestockError {
  override readonly name = 'LocalConfigError';
  constructor(message: string, details: Record<string, unknown> = {}, cause?: unknown) {
    super('LOCAL_CONFIG', message, { cause, details });
  }
}
