/**
 * CommitOutbox on a table without streams: the buttons whose claims the commit relay has not
 * relayed yet, found by the commit index (see table-keys.ts).
 */
import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { Button } from '../../core/model.ts';
import type { CommitOutbox, CommittedButton } from '../../core/press/commit-relay.ts';
import { fromButtonItem } from './button-item.ts';
import { conditional } from './dynamo-errors.ts';
import { queryIndexItems } from './index-query.ts';
import type { Table } from './table.ts';
import { COMMIT_INDEX, COMMITS_PENDING, commitMark, keys } from './table-keys.ts';

export class DynamoCommitOutbox implements CommitOutbox {
  constructor(private readonly table: Table) {}

  async pendingCommits(limit: number): Promise<CommittedButton[]> {
    const result = await queryIndexItems(this.table, 'pendingCommits', {
      IndexName: COMMIT_INDEX,
      KeyConditionExpression: 'commitPk = :pending',
      ExpressionAttributeValues: { ':pending': COMMITS_PENDING },
      Limit: limit,
    });
    // The button item carries its mark as `owedFrom`; one cleared between the query and the
    // read owes nothing.
    return result.items
      .map(fromButtonItem)
      .flatMap((button) =>
        button.owedFrom === undefined ? [] : [{ button, since: button.owedFrom - 1 }],
      );
  }

  async clearCommit({ deviceId, highWaterMark, lastPressAt }: Button): Promise<void> {
    // Fails (and keeps the mark) when a claim landed since the relay read the button.
    const cleared = await conditional('clearCommit', () =>
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
    if (cleared) return;
    // Everything up to the read high-water mark is written: the mark moves past it, keeping the
    // button's place in the index no later than the oldest claim still owed. A relay that read
    // the button earlier may move it back; that only repeats writes conditional on absence.
    await conditional('advanceCommit', () =>
      this.table.doc.send(
        new UpdateCommand({
          TableName: this.table.name,
          Key: keys.button(deviceId),
          UpdateExpression: 'SET commitSk = :mark',
          ConditionExpression: 'attribute_exists(commitSk) AND hwm > :hwm',
          ExpressionAttributeValues: {
            ':hwm': highWaterMark,
            ':mark': commitMark(lastPressAt ?? 0, highWaterMark + 1),
          },
        }),
      ),
    );
  }
}
