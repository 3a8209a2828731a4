/** OutboxStore on a table without streams: orders with unpublished events, found by the outbox index. */
import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { OrderChange, OutboxStore } from '../../core/events/outbox.ts';
import { parseOrderId } from '../../core/model.ts';
import { conditional } from './dynamo-errors.ts';
import { queryIndexItems } from './index-query.ts';
import { orderChangeOf } from './order-item.ts';
import type { Table } from './table.ts';
import { keys, OUTBOX_INDEX, OUTBOX_PENDING } from './table-keys.ts';

export class DynamoOutboxStore implements OutboxStore {
  constructor(private readonly table: Table) {}

  async pendingChanges(limit: number): Promise<OrderChange[]> {
    const result = await queryIndexItems(this.table, 'pendingChanges', {
      IndexName: OUTBOX_INDEX,
      KeyConditionExpression: 'outboxPk = :pending',
      ExpressionAttributeValues: { ':pending': OUTBOX_PENDING },
      Limit: limit,
    });
    return result.items.map(orderChangeOf);
  }

  async markPublished(orderId: string, count: number): Promise<void> {
    const id = parseOrderId(orderId);
    if (!id) return;
    // A transition since the relay read the order keeps it pending (the marker stays), but what
    // was published is recorded either way: the next drain must not publish those events again.
    const published = await conditional('markPublished', () =>
      this.table.doc.send(
        new UpdateCommand({
          TableName: this.table.name,
          Key: keys.press(id.deviceId, id.seq),
          UpdateExpression: 'SET published = :count REMOVE outboxPk, outboxSk',
          ConditionExpression: 'size(history) = :count',
          ExpressionAttributeValues: { ':count': count },
        }),
      ),
    );
    if (published) return;
    await conditional('markPublished.pending', () =>
      this.table.doc.send(
        new UpdateCommand({
          TableName: this.table.name,
          Key: keys.press(id.deviceId, id.seq),
          UpdateExpression: 'SET published = :count',
          ConditionExpression: 'size(history) > :count AND published < :count',
          ExpressionAttributeValues: { ':count': count },
        }),
      ),
    );
  }
}
