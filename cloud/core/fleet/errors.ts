import { RestockError } from '../errors.ts';

/** The claim code is unknown (never issued, or erased). Deliberately says no more than that. */
export class ClaimCodeUnknownError extends RestockError {
  override readonly name = 'ClaimCodeUnknownError';
  constructor() {
    super('CLAIM_CODE_UNKNOWN', 'this claim code is not valid');
  }
}

/** The claim code was used already (by another household). */
export class ClaimCodeUsedError extends RestockError {
  override readonly name = 'ClaimCodeUsedError';
  constructor() {
    super('CLAIM_CODE_USED', 'this claim code has been used already');
  }
}
