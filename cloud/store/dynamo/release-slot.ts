import { GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { fromButtonItem } from './button-item.ts';
import { conditional, guarded } from './dynamo-errors.ts';
import type { Table } from './table.ts';
import { keys } from './table-keys.ts';

/** Frees an order's slot on its button; retried because other slots may shift the list. */
export async function releaseSlot(table: Table, deviceId: string, seq: number): Promise<void> {
  for (let attempt = 0; attempt < 5; attempt++) {
    const result = await guarded('releaseSlot.read', () =>
      table.doc.send(
        new GetCommand({ TableName: table.name, Key: keys.button(deviceId), ConsistentRead: true }),
      ),
    );
    if (!result.Item) return;
    const index = fromButtonItem(result.Item).open.findIndex((order) => order.seq === seq);
    if (index < 0) return;
    const released = await conditional('releaseSlot', () =>
      table.doc.send(
        new UpdateCommand({
          TableName: table.name,
          Key: keys.button(deviceId),
          UpdateExpression: `REMOVE #open[${index}]`,
          ConditionExpression: `#open[${index}].seq = :seq`,
          ExpressionAttributeNames: { '#open': 'open' },
          ExpressionAttributeValues: { ':seq': seq },
        }),
      ),
    );
    if (released) return;
  }
}
