import type { ClaimRecord, ClaimStore, TakeResult } from '../../core/fleet/claim-store.ts';

/** In-memory ClaimStore; JavaScript's single thread makes takeClaim's check-and-set atomic. */
export class MemoryClaimStore implements ClaimStore {
  readonly claims = new Map<string, ClaimRecord>();

  async createClaim(record: ClaimRecord): Promise<boolean> {
    if (this.claims.has(record.codeHash)) return false;
    this.claims.set(record.codeHash, { ...record });
    return true;
  }

  async takeClaim(codeHash: string, householdId: string, at: number): Promise<TakeResult> {
    const record = this.claims.get(codeHash);
    if (!record) return { outcome: 'unknown' };
    if (record.claimedBy === null) {
      record.claimedBy = householdId;
      record.claimedAt = at;
      return { outcome: 'taken', deviceId: record.deviceId };
    }
    return record.claimedBy === householdId
      ? { outcome: 'already-yours', deviceId: record.deviceId }
      : { outcome: 'used' };
  }

  async deleteClaim(codeHash: string): Promise<void> {
    this.claims.delete(codeHash);
  }
}
