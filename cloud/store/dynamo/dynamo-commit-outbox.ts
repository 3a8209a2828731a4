/**
 * CommitOutbox on a table without streams: the buttons whose claims the commit relay has not
 * relayed yet, found by the commit index (see table-keys.ts).
 */
import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { CommitOutbox, CommittedButton } from '../../core/press/commit-relay.ts';
import { fromButtonItem } from './button-item.ts';
import { conditional } from './dynamo-errors.ts';
import { queryIndexItems } from './index-query.ts';
import type { Table } from './table.ts';
import { COMMIT_INDEX, COMMITS_PENDING, commitMarkSeq, keys } from './table-keys.ts';

export class DynamoCommitOutbox implements CommitOutbox {
  constructor(private readonly table: Table) {}

  async pendingCommits(limit: number): Promise<CommittedButton[]> {
    const result = await queryIndexItems(this.table, 'pendingCommits', {
      IndexName: COMMIT_INDEX,
      KeyConditionExpression: 'commitPk = :pending',
      ExpressionAttributeValues: { ':pending': COMMITS_PENDING },
      Limit: limit,
    });
    // A mark cleared between the query and the read owes nothing.
    return result.items
      .filter((item) => typeof item.commitSk === 'string')
      .map((item) => ({
        button: fromButtonItem(item),
        since: commitMarkSeq(item.commitSk as string) - 1,
      }));
  }

  async clearCommit(deviceId: string, highWaterMark: number): Promise<void> {
    // Fails (and keeps the mark) when a claim landed since the relay read the button.
    await conditional('clearCommit', () =>
      this.table.doc.send(
        new UpdateCommand({
          TableName: this.table.name,
          Key: keys.button(deviceId),
          UpdateExpression: 'REMOVE commitPk, commitSk',
          ConditionExpression: 'hwm = :hwm',
          ExpressionAttributeValues: { ':hwm': highWaterMark },
        }),
      ),
    );
  }
}
