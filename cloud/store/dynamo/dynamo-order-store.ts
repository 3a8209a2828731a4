/** OrderStore on DynamoDB: lifecycle writes conditional on the old status, index queries for lists. */
import { GetCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { OrderTimer } from '../../core/events/order-timers.ts';
import type { OpenOrderRef } from '../../core/guard/guard.ts';
import type { Order, OrderGuard, OrderStatus, PressLogEntry } from '../../core/model.ts';
import { parseOrderId } from '../../core/model.ts';
import type { OrderStore } from '../../core/orders/order-store.ts';
import { CANCELLABLE_BY_SUPPORT } from '../../core/orders/support-queue.ts';
import type { Page, PageRequest } from '../../core/page.ts';
import { committedPressEntry } from '../../core/press/press-store.ts';
import { decodeKeyCursor, encodeCursor } from '../page-cursor.ts';
import { mergePressLog, type PressLogCursor } from '../press-log.ts';
import { batchGet } from './batch-get.ts';
import { fromButtonItem } from './button-item.ts';
import { conditional, guarded } from './dynamo-errors.ts';
import { DynamoOrderTimers } from './dynamo-order-timers.ts';
import { queryIndexItems } from './index-query.ts';
import { fromOrderItem, logEntryOf, orderIndexKeys, toOrderItem } from './order-item.ts';
import { releaseSlot } from './release-slot.ts';
import type { Table } from './table.ts';
import {
  FLAGGED_PARTITION,
  keys,
  LEGACY_TIMER_PARTITIONS,
  outboxMarker,
  timeKey,
} from './table-keys.ts';

export class DynamoOrderStore implements OrderStore {
  private readonly timers: DynamoOrderTimers;

  constructor(private readonly table: Table) {
    this.timers = new DynamoOrderTimers(table);
  }

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
    if (result.Item) return result.Item.type === 'order' ? fromOrderItem(result.Item) : null;
    return this.committedOrder(id.deviceId, id.seq);
  }

  /**
   * An order whose press committed on the button but whose item is not written yet (it follows
   * the ack): the button's open list holds it exactly as committed.
   */
  private async committedOrder(deviceId: string, seq: number): Promise<Order | null> {
    const result = await guarded('getOrder.button', () =>
      this.table.doc.send(
        new GetCommand({
          TableName: this.table.name,
          Key: keys.button(deviceId),
          ConsistentRead: true,
        }),
      ),
    );
    if (!result.Item) return null;
    return fromButtonItem(result.Item).open.find((order) => order.seq === seq) ?? null;
  }

  async listHouseholdOrders(householdId: string, page: PageRequest): Promise<Page<Order>> {
    const listed = await this.queryOrders('gsi1', `HH#${householdId}`, 'ORDER#', false, page);
    if (page.cursor) return listed;
    return {
      ...listed,
      items: await this.withCommitted(householdId, listed.items, listed.cursor !== undefined),
    };
  }

  /**
   * The household's open orders are on its buttons: those not in the index yet (committed with
   * their item still to follow the ack, or written but still in their first status) are on the
   * first page whatever their age; the rest as the index orders them, newest first.
   */
  private async withCommitted(
    householdId: string,
    listed: Order[],
    morePages: boolean,
  ): Promise<Order[]> {
    const buttons = await queryIndexItems(this.table, 'listOrders.buttons', {
      IndexName: 'gsi1',
      KeyConditionExpression: 'gsi1pk = :pk AND begins_with(gsi1sk, :prefix)',
      ExpressionAttributeValues: { ':pk': `HH#${householdId}`, ':prefix': 'BTN#' },
    });
    const shown = new Set(listed.map((order) => order.orderId));
    const open = buttons.items
      .flatMap((item) => fromButtonItem(item).open)
      .filter((order) => order.householdId === householdId && !shown.has(order.orderId));
    if (open.length === 0) return listed;
    const written = (
      await batchGet(
        this.table,
        'listOrders.committed',
        open.map((order) => keys.press(order.deviceId, order.seq)),
      )
    ).filter((item) => item.type === 'order');
    const writtenIds = new Set(written.map((item) => item.orderId));
    const committed = open.filter((order) => !writtenIds.has(order.orderId));
    // An indexed item written between the index query and this read is in neither list: show
    // it, unless it is older than this page and so belongs to a later one.
    const oldest = listed[listed.length - 1];
    const unlisted = written
      .map((item) => ({ order: fromOrderItem(item), indexed: item.gsi1sk !== undefined }))
      .filter(
        ({ order, indexed }) =>
          order.householdId === householdId &&
          (!indexed || !morePages || oldest === undefined || newestFirst(order, oldest) < 0),
      )
      .map(({ order }) => order);
    return [...committed, ...unlisted, ...listed].sort(newestFirst);
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

  /**
   * Conditional on the old status. An order committed on its button whose item is not written
   * yet (it follows the press's ack) gets its item here, whole: the write that follows the ack
   * then finds it and leaves it alone, and the outbox publishes its history from the start.
   * The support queue's entry leaves once support can no longer cancel; otherwise it stays as it
   * is (a flag set since `next` was read must not be lost).
   */
  async saveTransition(next: Order, expectedStatus: OrderStatus): Promise<boolean> {
    const indexKeys = orderIndexKeys(next);
    const item = { ...toOrderItem(next, committedPressEntry(next)), ...indexKeys };
    const marker = outboxMarker(next.history.at(-1)?.at ?? next.placedAt, next.orderId);
    const changed: Record<string, unknown> = {
      status: next.status,
      history: next.history,
      cancelDeadline: next.cancelDeadline,
      gsi1pk: indexKeys.gsi1pk,
      gsi1sk: indexKeys.gsi1sk,
      ...(indexKeys.gsi2pk === undefined
        ? {}
        : { gsi2pk: indexKeys.gsi2pk, gsi2sk: indexKeys.gsi2sk }),
      ...marker,
      // A welcome credit granted at delivery is saved with it.
      ...(next.discount ? { discount: next.discount } : {}),
    };
    const names: Record<string, string> = { '#type': 'type', '#status': 'status' };
    const values: Record<string, unknown> = { ':order': 'order', ':expected': expectedStatus };
    const sets: string[] = [];
    let n = 0;
    for (const [attribute, value] of Object.entries(item)) {
      if (attribute === 'pk' || attribute === 'sk' || value === undefined) continue;
      const name = `#a${n}`;
      const placeholder = `:v${n++}`;
      names[name] = attribute;
      if (attribute in changed) {
        values[placeholder] = changed[attribute];
        sets.push(`${name} = ${placeholder}`);
      } else {
        values[placeholder] = value;
        sets.push(`${name} = if_not_exists(${name}, ${placeholder})`);
      }
    }
    // The previous version's timer entry goes with any transition: a new wait files its timer.
    const removed = [
      'gsi3pk',
      'gsi3sk',
      ...(indexKeys.gsi2pk === undefined ? ['gsi2pk', 'gsi2sk'] : []),
      ...(CANCELLABLE_BY_SUPPORT.includes(next.status) ? [] : ['gsi4pk', 'gsi4sk']),
    ];
    return conditional('saveTransition', () =>
      this.table.doc.send(
        new UpdateCommand({
          TableName: this.table.name,
          Key: keys.press(next.deviceId, next.seq),
          UpdateExpression: `SET ${sets.join(', ')} REMOVE ${removed.join(', ')}`,
          ConditionExpression:
            'attribute_not_exists(pk) OR (#type = :order AND #status = :expected)',
          ExpressionAttributeNames: names,
          ExpressionAttributeValues: values,
        }),
      ),
    );
  }

  fileTimers(timers: OrderTimer[]): Promise<void> {
    return this.timers.file(timers);
  }

  dueTimers(before: number, limit: number): Promise<OrderTimer[]> {
    return this.timers.due(before, limit);
  }

  removeTimer(timer: OrderTimer): Promise<void> {
    return this.timers.remove(timer);
  }

  /** The previous version's timer index, each partition's oldest due orders merged. */
  async listDue(before: number, limit: number): Promise<Order[]> {
    const shards = await Promise.all(
      LEGACY_TIMER_PARTITIONS.map((pk) =>
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
        // On its item only (one still to follow its ack is written by a transition first); into
        // the index too, so the orders stay listed under the anonymous id.
        const updated = await conditional('anonymise', () =>
          this.table.doc.send(
            new UpdateCommand({
              TableName: this.table.name,
              Key: keys.press(order.deviceId, order.seq),
              UpdateExpression: 'SET householdId = :anon, gsi1pk = :pk, gsi1sk = :sk',
              ConditionExpression: 'attribute_exists(pk)',
              ExpressionAttributeValues: {
                ':anon': anonymousId,
                ':pk': moved.gsi1pk,
                ':sk': moved.gsi1sk,
              },
            }),
          ),
        );
        if (updated) count++;
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

export type { PressLogCursor };

function newestFirst(a: Order, b: Order): number {
  return b.placedAt - a.placedAt || (a.orderId < b.orderId ? 1 : -1);
}
