import { RestockError } from '../core/errors.ts';

/** A flag, environment variable or data-folder file that the local stack cannot use. */
export class LocalConfigError extends RestockError {
  override readonly name = 'LocalConfigError';
  constructor(message: string, details: Record<string, unknown> = {}, cause?: unknown) {
    super('LOCAL_CONFIG', message, { cause, details });
  }
}

/** The virtual button could not deliver a press or got no trustworthy answer. */
export class VirtualButtonError extends RestockError {
  override readonly name = 'VirtualButtonError';
  constructor(
    code: string,
    message: string,
    details: Record<string, unknown> = {},
    cause?: unknown,
  ) {
    super(code, message, { cause, details });
  }
}
