/** DynamoDB adapter for ClaimStore: one item per code hash (keys.claim). */
import { DeleteCommand, GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { ClaimRecord, ClaimStore, TakeResult } from '../../core/fleet/claim-store.ts';
import { conditional, guarded } from './dynamo-errors.ts';
import type { Table } from './table.ts';
import { keys } from './table-keys.ts';

export class DynamoClaimStore implements ClaimStore {
  constructor(private readonly table: Table) {}

  createClaim(record: ClaimRecord): Promise<boolean> {
    return conditional('createClaim', () =>
      this.table.doc.send(
        new PutCommand({
          TableName: this.table.name,
          Item: { ...keys.claim(record.codeHash), type: 'claim', ...record },
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      ),
    );
  }

  async takeClaim(codeHash: string, householdId: string, at: number): Promise<TakeResult> {
    const won = await conditional('takeClaim', () =>
      this.table.doc.send(
        new UpdateCommand({
          TableName: this.table.name,
          Key: keys.claim(codeHash),
          UpdateExpression: 'SET claimedBy = :hh, claimedAt = :at',
          // One conditional write decides a race: exactly one household finds it unclaimed.
          ConditionExpression: 'attribute_exists(pk) AND claimedBy = :nobody',
          ExpressionAttributeValues: { ':hh': householdId, ':at': at, ':nobody': null },
        }),
      ),
    );
    const { Item } = await guarded('takeClaim', () =>
      this.table.doc.send(
        new GetCommand({
          TableName: this.table.name,
          Key: keys.claim(codeHash),
          ConsistentRead: true,
        }),
      ),
    );
    if (!Item) return { outcome: 'unknown' };
    const record = Item as unknown as ClaimRecord;
    if (record.claimedBy !== householdId) return { outcome: 'used' };
    return { outcome: won ? 'taken' : 'already-yours', deviceId: record.deviceId };
  }

  async deleteClaim(codeHash: string): Promise<void> {
    await guarded('deleteClaim', () =>
      this.table.doc.send(
        new DeleteCommand({ TableName: this.table.name, Key: keys.claim(codeHash) }),
      ),
    );
  }
}
