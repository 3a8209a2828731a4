import { RestockError } from '../errors.ts';

/** A request breaks a domain rule (unknown or retired SKU, quantity above the SKU's maximum...). */
export class RuleViolationError extends RestockError {
  override readonly name = 'RuleViolationError';
  constructor(rule: string, message: string, details: Record<string, unknown> = {}) {
    super(rule, message, { details });
  }
}
