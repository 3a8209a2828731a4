import type {
  IdempotencyRecord,
  IdempotencyStore,
  StoredResponse,
} from '../../core/idempotency/idempotency-store.ts';

export class MemoryIdempotencyStore implements IdempotencyStore {
  readonly records = new Map<string, IdempotencyRecord>();

  async begin(record: IdempotencyRecord, now: number): Promise<IdempotencyRecord | null> {
    const id = `${record.tenant}#${record.key}`;
    const live = this.records.get(id);
    const lapsed =
      !live ||
      live.expiresAt < Math.floor(now / 1000) ||
      (live.status === 'IN_PROGRESS' && live.leaseUntil < now);
    if (!lapsed) return structuredClone(live);
    this.records.set(id, structuredClone(record));
    return null;
  }

  async complete(tenant: string, key: string, response: StoredResponse): Promise<void> {
    const record = this.records.get(`${tenant}#${key}`);
    if (record) Object.assign(record, { status: 'COMPLETED', response: structuredClone(response) });
  }

  async abandon(tenant: string, key: string): Promise<void> {
    const id = `${tenant}#${key}`;
    if (this.records.get(id)?.status === 'IN_PROGRESS') this.records.delete(id);
  }
}
