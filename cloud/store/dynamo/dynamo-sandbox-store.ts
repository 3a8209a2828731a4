/**
 * SandboxStore on DynamoDB. Test orders sit in their own gsi2 partition (`BRAND#{brand}#TEST`,
 * see order-item.ts), so no status list — fulfilment above all — ever holds one, and the
 * sandbox lists them without reading real orders.
 */
import { DeleteCommand, GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { ConflictError } from '../../core/errors.ts';
import type { Order } from '../../core/model.ts';
import { parseOrderId } from '../../core/model.ts';
import type { Page, PageRequest } from '../../core/page.ts';
import type { SandboxStore } from '../../core/sandbox/sandbox-store.ts';
import { decodeKeyCursor, encodeCursor } from '../page-cursor.ts';
import { fromButtonItem, toOpenEntry } from './button-item.ts';
import { conditional, guarded } from './dynamo-errors.ts';
import { queryIndexItems } from './index-query.ts';
import { fromOrderItem, testOrdersPartition } from './order-item.ts';
import type { Table } from './table.ts';
import { keys } from './table-keys.ts';

/** Concurrent presses rewrite the open list; the release re-reads and tries again this often. */
const RELEASE_ATTEMPTS = 5;

export class DynamoSandboxStore implements SandboxStore {
  constructor(private readonly table: Table) {}

  async listTestOrders(brandId: string, page: PageRequest): Promise<Page<Order>> {
    const pk = testOrdersPartition(brandId);
    const result = await queryIndexItems(this.table, 'listTestOrders', {
      IndexName: 'gsi2',
      KeyConditionExpression: 'gsi2pk = :pk',
      ExpressionAttributeValues: { ':pk': pk },
      ScanIndexForward: false,
      Limit: page.limit,
      ExclusiveStartKey: decodeKeyCursor(page.cursor, { gsi2pk: pk }),
    });
    return { items: result.items.map(fromOrderItem), cursor: encodeCursor(result.lastKey) };
  }

  /** Rewrites the open list without its test orders, on the condition that it did not change. */
  async releaseTestSlots(deviceId: string): Promise<void> {
    for (let attempt = 0; attempt < RELEASE_ATTEMPTS; attempt++) {
      const { Item } = await guarded('releaseTestSlots.read', () =>
        this.table.doc.send(
          new GetCommand({
            TableName: this.table.name,
            Key: keys.button(deviceId),
            ConsistentRead: true,
          }),
        ),
      );
      if (!Item) return;
      const button = fromButtonItem(Item);
      const open = button.open.filter((order) => !order.test);
      if (open.length === button.open.length && !button.test) return;
      const released = await conditional('releaseTestSlots', () =>
        this.table.doc.send(
          new UpdateCommand({
            TableName: this.table.name,
            Key: keys.button(deviceId),
            UpdateExpression: button.test
              ? 'SET #open = :open REMOVE rhythm, gsi3pk, gsi3sk'
              : 'SET #open = :open',
            ConditionExpression: 'hwm = :hwm AND size(#open) = :size',
            ExpressionAttributeNames: { '#open': 'open' },
            ExpressionAttributeValues: {
              ':open': open.map(toOpenEntry),
              ':hwm': button.highWaterMark,
              ':size': button.open.length,
            },
          }),
        ),
      );
      if (released) return;
    }
    throw new ConflictError(`the open orders of ${deviceId} kept changing during the reset`);
  }

  deleteTestOrder(orderId: string): Promise<boolean> {
    const id = parseOrderId(orderId);
    if (!id) return Promise.resolve(false);
    return conditional('deleteTestOrder', () =>
      this.table.doc.send(
        new DeleteCommand({
          TableName: this.table.name,
          Key: keys.press(id.deviceId, id.seq),
          ConditionExpression: '#type = :order AND test = :yes',
          ExpressionAttributeNames: { '#type': 'type' },
          ExpressionAttributeValues: { ':order': 'order', ':yes': true },
        }),
      ),
    );
  }
}
