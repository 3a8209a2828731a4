/**
 * The append-only audit trail of support actions. The port has no update or delete on
 * purpose, and the adapters only ever write with "must not exist" conditions.
 */
import type { AuditEntry } from '../model.ts';
import type { Page, PageRequest } from '../page.ts';

export interface AuditStore {
  /** Throws ConflictError if an entry with that time and id exists (never overwrites). */
  appendAudit(entry: AuditEntry): Promise<void>;
  /** Newest first. */
  listAudit(page: PageRequest): Promise<Page<AuditEntry>>;
}
