/**
 * DynamoDB adapter for IdempotencyStore (keys.idempotency, TTL on expiresAt). The table's TTL
 * deletes lazily, so expiry is also checked in the condition rather than trusted.
 */
import { DeleteCommand, GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { ConflictError } from '../../core/errors.ts';
import type {
  IdempotencyRecord,
  IdempotencyStore,
  StoredResponse,
} from '../../core/idempotency/idempotency-store.ts';
import { conditional, guarded } from './dynamo-errors.ts';
import type { Table } from './table.ts';
import { keys } from './table-keys.ts';

export class DynamoIdempotencyStore implements IdempotencyStore {
  constructor(private readonly table: Table) {}

  async begin(record: IdempotencyRecord, now: number): Promise<IdempotencyRecord | null> {
    const key = keys.idempotency(record.tenant, record.key);
    for (let attempt = 0; attempt < 3; attempt++) {
      const written = await conditional('beginIdempotent', () =>
        this.table.doc.send(
          new PutCommand({
            TableName: this.table.name,
            Item: { ...key, type: 'idempotency', ...record },
            ConditionExpression:
              'attribute_not_exists(pk) OR expiresAt < :nowSeconds OR (#status = :running AND leaseUntil < :now)',
            ExpressionAttributeNames: { '#status': 'status' },
            ExpressionAttributeValues: {
              ':now': now,
              ':nowSeconds': Math.floor(now / 1000),
              ':running': 'IN_PROGRESS',
            },
          }),
        ),
      );
      if (written) return null;
      const { Item } = await guarded('beginIdempotent', () =>
        this.table.doc.send(
          new GetCommand({ TableName: this.table.name, Key: key, ConsistentRead: true }),
        ),
      );
      // Gone between the two calls (abandoned): try the write again.
      if (Item) {
        const { pk: _pk, sk: _sk, type: _type, ...live } = Item;
        return live as IdempotencyRecord;
      }
    }
    throw new ConflictError('idempotency record kept changing');
  }

  async complete(tenant: string, key: string, response: StoredResponse): Promise<void> {
    await guarded('completeIdempotent', () =>
      this.table.doc.send(
        new UpdateCommand({
          TableName: this.table.name,
          Key: keys.idempotency(tenant, key),
          UpdateExpression: 'SET #status = :done, #response = :response',
          ExpressionAttributeNames: { '#status': 'status', '#response': 'response' },
          ExpressionAttributeValues: { ':done': 'COMPLETED', ':response': response },
        }),
      ),
    );
  }

  async abandon(tenant: string, key: string): Promise<void> {
    await guarded(
      'abandonIdempotent',
      () =>
        this.table.doc.send(
          new DeleteCommand({
            TableName: this.table.name,
            Key: keys.idempotency(tenant, key),
            ConditionExpression: '#status = :running',
            ExpressionAttributeNames: { '#status': 'status' },
            ExpressionAttributeValues: { ':running': 'IN_PROGRESS' },
          }),
        ),
      // Best effort: a record left IN_PROGRESS is taken over once its lease lapses.
    ).catch(() => undefined);
  }
}
