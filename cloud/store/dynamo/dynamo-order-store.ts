/** OrderStore on DynamoDB: lifecycle writes conditional on the old status, index queries for lists. */
import { GetCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { OpenOrderRef } from '../../core/guard/guard.ts';
import type { Order, OrderGuard, OrderStatus, PressLogEntry } from '../../core/model.ts';
import { parseOrderId } from '../../core/model.ts';
import type { OrderStore } from '../../core/orders/order-store.ts';
import { CANCELLABLE_BY_SUPPORT } from '../../core/orders/support-queue.ts';
import type { Page, PageRequest } from '../../core/page.ts';
import { decodeKeyCursor, encodeCursor } from '../page-cursor.ts';
import { mergePressLog, type PressLogCursor } from '../press-log.ts';
import { conditional, guarded } from './dynamo-errors.ts';
import { queryIndexItems } from './index-query.ts';
import { fromOrderItem, logEntryOf, orderIndexKeys } from './order-item.ts';
import { releaseSlot } from './release-slot.ts';
import type { Table } from './table.ts';
import { FLAGGED_PARTITION, keys, outboxMarker, TIMER_PARTITIONS, timeKey } from './table-keys.ts';

export class DynamoOrderStore implements OrderStore {
  constructor(private readonly table: Table) {}

  async getOrder(orderId: string): Promise<Order | null> {
    const id = parseOrderId(orderId);
    if (!id) return null;
    const result = await guarded('getOrder', () =>
      this.table.doc.send(
        new GetCommand({
          TableName: this.table.name,
          Key: keys.press(id.deviceId, id.seq),
          ConsistentRead: true,
        }),
      ),
    );
    return result.Item?.type === 'order' ? fromOrderItem(result.Item) : null;
  }

  listHouseholdOrders(householdId: string, page: PageRequest): Promise<Page<Order>> {
    return this.queryOrders('gsi1', `HH#${householdId}`, 'ORDER#', false, page);
  }

  listBrandOrders(brandId: string, status: OrderStatus, page: PageRequest): Promise<Page<Order>> {
    return this.queryOrders('gsi2', `BRAND#${brandId}#${status}`, '', true, page);
  }

  listFlagged(page: PageRequest): Promise<Page<Order>> {
    return this.queryOrders('gsi4', FLAGGED_PARTITION, '', true, page);
  }

  async flagOrder(order: OpenOrderRef, guard: OrderGuard): Promise<boolean> {
    const id = parseOrderId(order.orderId);
    if (!id) return false;
    const [first, second, third] = CANCELLABLE_BY_SUPPORT;
    return conditional('flagOrder', () =>
      this.table.doc.send(
        new UpdateCommand({
          TableName: this.table.name,
          Key: keys.press(id.deviceId, id.seq),
          UpdateExpression: 'SET guard = :guard, gsi4pk = :flagged, gsi4sk = :queued',
          ConditionExpression:
            '#type = :order AND #status IN (:s1, :s2, :s3) AND (attribute_not_exists(guard) OR guard = :none)',
          ExpressionAttributeNames: { '#status': 'status', '#type': 'type' },
          ExpressionAttributeValues: {
            ':guard': guard,
            ':flagged': FLAGGED_PARTITION,
            // As orderIndexKeys has it: the queue is oldest first by placement.
            ':queued': `${timeKey(order.placedAt)}#${order.orderId}`,
            ':order': 'order',
            ':s1': first,
            ':s2': second,
            ':s3': third,
            ':none': null,
          },
        }),
      ),
    );
  }

  async saveTransition(next: Order, expectedStatus: OrderStatus): Promise<boolean> {
    const index = orderIndexKeys(next);
    const removeTimer = index.gsi3pk === undefined;
    // Out of the support queue once support can no longer cancel; otherwise the entry stays as
    // it is (a flag set since `next` was read must not be lost).
    const unqueue = !CANCELLABLE_BY_SUPPORT.includes(next.status);
    const removed = [
      ...(removeTimer ? ['gsi3pk', 'gsi3sk'] : []),
      ...(unqueue ? ['gsi4pk', 'gsi4sk'] : []),
    ];
    const saved = await conditional('saveTransition', () =>
      this.table.doc.send(
        new UpdateCommand({
          TableName: this.table.name,
          Key: keys.press(next.deviceId, next.seq),
          UpdateExpression:
            'SET #status = :status, history = :history, cancelDeadline = :deadline, gsi2pk = :g2pk, gsi2sk = :g2sk, outboxPk = :outboxPk, outboxSk = :outboxSk' +
            (removeTimer ? '' : ', gsi3pk = :g3pk, gsi3sk = :g3sk') +
            (next.discount ? ', discount = :discount' : '') +
            (removed.length > 0 ? ` REMOVE ${removed.join(', ')}` : ''),
          ConditionExpression: '#type = :order AND #status = :expected',
          ExpressionAttributeNames: { '#status': 'status', '#type': 'type' },
          ExpressionAttributeValues: {
            ':status': next.status,
            ':history': next.history,
            ':deadline': next.cancelDeadline,
            ':g2pk': index.gsi2pk,
            ':g2sk': index.gsi2sk,
            ':order': 'order',
            ':expected': expectedStatus,
            ...colonKeys(outboxMarker(next.history.at(-1)?.at ?? next.placedAt, next.orderId)),
            ...(removeTimer ? {} : { ':g3pk': index.gsi3pk, ':g3sk': index.gsi3sk }),
            ...(next.discount ? { ':discount': next.discount } : {}),
          },
        }),
      ),
    );
    return saved;
  }

  /** Each timer shard's oldest due orders, merged: the `limit` oldest overall. */
  async listDue(before: number, limit: number): Promise<Order[]> {
    const shards = await Promise.all(
      TIMER_PARTITIONS.map((pk) =>
        queryIndexItems(this.table, 'listDue', {
          IndexName: 'gsi3',
          KeyConditionExpression: 'gsi3pk = :pk AND gsi3sk <= :before',
          ExpressionAttributeValues: { ':pk': pk, ':before': `${timeKey(before)}#~` },
          Limit: limit,
        }),
      ),
    );
    return shards
      .flatMap((shard) => shard.items.map(fromOrderItem))
      .sort((a, b) => a.cancelDeadline - b.cancelDeadline || a.orderId.localeCompare(b.orderId))
      .slice(0, limit);
  }

  pressLog(deviceId: string, page: PageRequest): Promise<Page<PressLogEntry>> {
    return mergePressLog(page, (range, after, limit) =>
      this.queryRange(deviceId, range, after, limit),
    );
  }

  async anonymiseHouseholdOrders(householdId: string, anonymousId: string): Promise<number> {
    let count = 0;
    let cursor: string | undefined;
    do {
      const page = await this.listHouseholdOrders(householdId, { limit: 100, cursor });
      for (const order of page.items) {
        const moved = orderIndexKeys({ ...order, householdId: anonymousId });
        await guarded('anonymise', () =>
          this.table.doc.send(
            new UpdateCommand({
              TableName: this.table.name,
              Key: keys.press(order.deviceId, order.seq),
              UpdateExpression: 'SET householdId = :anon, gsi1pk = :pk',
              ExpressionAttributeValues: { ':anon': anonymousId, ':pk': moved.gsi1pk },
            }),
          ),
        );
        count++;
      }
      cursor = page.cursor;
    } while (cursor);
    return count;
  }

  releaseSlot(order: Order): Promise<void> {
    return releaseSlot(this.table, order);
  }

  async acceptPrice(deviceId: string, skuId: string, priceCents: number): Promise<void> {
    await conditional('acceptPrice', () =>
      this.table.doc.send(
        new UpdateCommand({
          TableName: this.table.name,
          Key: keys.button(deviceId),
          UpdateExpression: 'SET #settings.acceptedPriceCents = :price',
          ConditionExpression: '#settings.skuId = :sku',
          ExpressionAttributeNames: { '#settings': 'settings' },
          ExpressionAttributeValues: { ':price': priceCents, ':sku': skuId },
        }),
      ),
    );
  }

  private async queryOrders(
    index: string,
    pk: string,
    skPrefix: string,
    ascending: boolean,
    page: PageRequest,
  ): Promise<Page<Order>> {
    const result = await queryIndexItems(this.table, 'listOrders', {
      IndexName: index,
      KeyConditionExpression: skPrefix
        ? `${index}pk = :pk AND begins_with(${index}sk, :prefix)`
        : `${index}pk = :pk`,
      ExpressionAttributeValues: skPrefix ? { ':pk': pk, ':prefix': skPrefix } : { ':pk': pk },
      ScanIndexForward: ascending,
      Limit: page.limit,
      ExclusiveStartKey: decodeKeyCursor(page.cursor, { [`${index}pk`]: pk }),
    });
    return { items: result.items.map(fromOrderItem), cursor: encodeCursor(result.lastKey) };
  }

  private async queryRange(
    deviceId: string,
    range: 'PRESS#' | 'REJ#',
    after: string | undefined,
    limit: number,
  ): Promise<{ sk: string; entry: PressLogEntry }[]> {
    const result = await guarded('pressLog', () =>
      this.table.doc.send(
        new QueryCommand({
          TableName: this.table.name,
          KeyConditionExpression: after
            ? 'pk = :pk AND sk BETWEEN :prefix AND :after'
            : 'pk = :pk AND begins_with(sk, :prefix)',
          ExpressionAttributeValues: {
            ':pk': `BTN#${deviceId}`,
            ':prefix': range,
            ...(after ? { ':after': after } : {}),
          },
          ScanIndexForward: false,
          Limit: limit + (after ? 1 : 0),
        }),
      ),
    );
    const items = (result.Items ?? []).filter((item) => item.sk !== after);
    return items.slice(0, limit).map((item) => ({ sk: String(item.sk), entry: logEntryOf(item) }));
  }
}

function colonKeys(values: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(values).map(([name, value]) => [`:${name}`, value]));
}

export type { PressLogCursor };
