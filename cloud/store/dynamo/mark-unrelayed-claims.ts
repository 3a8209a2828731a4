/**
 * Tables written before the commit relay existed carry no commit marks: there, the press handler
 * wrote each order item itself, so a crash between its claim and that write left an open order on
 * the button with no order item, and nothing would ever relay it. Marking every button that holds
 * open orders (and no mark yet) hands them to the local commit relay once; its writes are
 * conditional on absence, so order items that exist stay as they are.
 *
 * A full scan: ensureTable runs it once, when it upgrades a table that lacks the commit index.
 */
import { ScanCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { conditional, guarded } from './dynamo-errors.ts';
import type { Table } from './table.ts';
import { COMMITS_PENDING, commitMark } from './table-keys.ts';

/** Marks the buttons with open orders for the commit relay; resolves with how many. */
export async function markUnrelayedClaims(table: Table): Promise<number> {
  let marked = 0;
  let start: Record<string, unknown> | undefined;
  do {
    const page = await guarded('markUnrelayedClaims', () =>
      table.doc.send(
        new ScanCommand({
          TableName: table.name,
          FilterExpression:
            '#type = :button AND size(#open) > :none AND attribute_not_exists(commitPk)',
          ProjectionExpression: 'pk, sk',
          ExpressionAttributeNames: { '#type': 'type', '#open': 'open' },
          ExpressionAttributeValues: { ':button': 'button', ':none': 0 },
          ExclusiveStartKey: start,
        }),
      ),
    );
    for (const key of page.Items ?? []) {
      const done = await conditional('markUnrelayedClaims', () =>
        table.doc.send(
          new UpdateCommand({
            TableName: table.name,
            Key: { pk: key.pk, sk: key.sk },
            // The oldest possible mark: the relay looks at every claim the button holds.
            UpdateExpression: 'SET commitPk = :pending, commitSk = if_not_exists(commitSk, :all)',
            ConditionExpression: 'attribute_exists(pk)',
            ExpressionAttributeValues: { ':pending': COMMITS_PENDING, ':all': commitMark(0, 1) },
          }),
        ),
      );
      if (done) marked++;
    }
    start = page.LastEvaluatedKey;
  } while (start);
  return marked;
}
