import type { ClaimRecord, ClaimStore, TakeResult } from '../../core/fleet/claim-store.ts';
import type { MemoryTable } from './memory-table.ts';

/** In-memory ClaimStore; JavaScript's single thread makes takeClaim's check-and-set atomic. */
export class MemoryClaimStore implements ClaimStore {
  constructor(private readonly table: MemoryTable) {}

  async createClaim(record: ClaimRecord): Promise<boolean> {
    if (this.table.claims.has(record.codeHash)) return false;
    this.table.claims.set(record.codeHash, { ...record });
    return true;
  }

  async takeClaim(codeHash: string, householdId: string, at: number): Promise<TakeResult> {
    const record = this.table.claims.get(codeHash);
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
    this.table.claims.delete(codeHash);
  }
}
