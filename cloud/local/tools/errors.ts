import { RestockError } from '../../core/errors.ts';

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
