import type {
  IdempotencyRecord,
  IdempotencyStore,
  StoredResponse,
} from '../../core/idempotency/idempotency-store.ts';
import type { MemoryTable } from './memory-table.ts';

export class MemoryIdempotencyStore implements IdempotencyStore {
  constructor(private readonly table: MemoryTable) {}

  async begin(record: IdempotencyRecord, now: number): Promise<IdempotencyRecord | null> {
    const id = `${record.tenant}#${record.key}`;
    const live = this.table.idempotency.get(id);
    const lapsed =
      !live ||
      live.expiresAt < Math.floor(now / 1000) ||
      (live.status === 'IN_PROGRESS' && live.leaseUntil < now);
    if (!lapsed) return structuredClone(live);
    this.table.idempotency.set(id, structuredClone(record));
    return null;
  }

  async complete(tenant: string, key: string, response: StoredResponse): Promise<void> {
    const record = this.table.idempotency.get(`${tenant}#${key}`);
    if (record) Object.assign(record, { status: 'COMPLETED', response: structuredClone(response) });
  }

  async abandon(tenant: string, key: string): Promise<void> {
    const id = `${tenant}#${key}`;
    if (this.table.idempotency.get(id)?.status === 'IN_PROGRESS') this.table.idempotency.delete(id);
  }
}
