/**
 * The port for claim codes. Only the SHA-256 of a code is ever stored (keys.claim(hash)); the
 * code itself is shown to the brand once, at registration.
 */
export interface ClaimRecord {
  codeHash: string;
  deviceId: string;
  brandId: string;
  claimedBy: string | null;
  claimedAt: number | null;
}

export type TakeResult =
  | { outcome: 'taken' | 'already-yours'; deviceId: string }
  | { outcome: 'used' | 'unknown' };

export interface ClaimStore {
  /** Creates the record; false when that hash exists already. */
  createClaim(record: ClaimRecord): Promise<boolean>;
  /** Marks the code used by `householdId` with one conditional write: concurrent claims → one winner. */
  takeClaim(codeHash: string, householdId: string, at: number): Promise<TakeResult>;
  deleteClaim(codeHash: string): Promise<void>;
}
