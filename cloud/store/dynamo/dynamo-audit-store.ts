/**
 * DynamoDB adapter for the audit trail. Append-only by construction: the only write is a put
 * conditioned on the key not existing, and the class has no update or delete.
 */
import { PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { AuditStore } from '../../core/audit/audit-store.ts';
import { ConflictError } from '../../core/errors.ts';
import type { AuditEntry } from '../../core/model.ts';
import type { Page, PageRequest } from '../../core/page.ts';
import { decodeKeyCursor, encodeCursor } from '../page-cursor.ts';
import { conditional, guarded } from './dynamo-errors.ts';
import type { Table } from './table.ts';
import { keys } from './table-keys.ts';

export class DynamoAuditStore implements AuditStore {
  constructor(private readonly table: Table) {}

  async appendAudit(entry: AuditEntry): Promise<void> {
    const written = await conditional('appendAudit', () =>
      this.table.doc.send(
        new PutCommand({
          TableName: this.table.name,
          Item: { ...keys.audit(entry.at, entry.auditId), type: 'audit', ...entry },
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      ),
    );
    if (!written) throw new ConflictError(`audit entry ${entry.auditId} exists already`);
  }

  async listAudit(page: PageRequest): Promise<Page<AuditEntry>> {
    const { pk } = keys.audit(0, '');
    const start = decodeKeyCursor(page.cursor, { pk });
    const out = await guarded('listAudit', () =>
      this.table.doc.send(
        new QueryCommand({
          TableName: this.table.name,
          KeyConditionExpression: 'pk = :pk',
          ExpressionAttributeValues: { ':pk': pk },
          ScanIndexForward: false,
          Limit: page.limit,
          ExclusiveStartKey: start,
        }),
      ),
    );
    return {
      items: (out.Items ?? []).map(({ pk: _pk, sk: _sk, type: _type, ...e }) => e as AuditEntry),
      cursor: encodeCursor(out.LastEvaluatedKey),
    };
  }
}
