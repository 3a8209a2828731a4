import { RestockError } from '../../core/errors.ts';

/** Provisioning could not complete; `details` names the step and the device, never a secret. */
export class ProvisioningError extends RestockError {
  override readonly name = 'ProvisioningError';
  constructor(message: string, details: Record<string, unknown> = {}, cause?: unknown) {
    super('PROVISIONING_FAILED', message, { cause, details });
  }
}
