import type { AuditStore } from '../../core/audit/audit-store.ts';
import { ConflictError } from '../../core/errors.ts';
import type { AuditEntry } from '../../core/model.ts';
import type { Page, PageRequest } from '../../core/page.ts';
import { timeKey } from '../dynamo/table-keys.ts';
import { byKey, pageOf } from './memory-page.ts';
import type { MemoryTable } from './memory-table.ts';

const sortKey = (e: AuditEntry) => `${timeKey(e.at)}#${e.auditId}`;

/** In-memory, append-only: like the DynamoDB adapter it has no way to change an entry. */
export class MemoryAuditStore implements AuditStore {
  constructor(private readonly table: MemoryTable) {}

  async appendAudit(entry: AuditEntry): Promise<void> {
    if (this.table.audit.some((e) => sortKey(e) === sortKey(entry))) {
      throw new ConflictError(`audit entry ${entry.auditId} exists already`);
    }
    this.table.audit.push(structuredClone(entry));
  }

  async listAudit(page: PageRequest): Promise<Page<AuditEntry>> {
    return pageOf('audit', [...this.table.audit].sort(byKey(sortKey)), sortKey, page, true);
  }
}
