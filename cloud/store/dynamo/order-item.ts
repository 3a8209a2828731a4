/**
 * Maps orders, press records and rejections to items in the button's partition (see table-keys.ts).
 * An order item is also the press record of the press that created it.
 */
import type { OrderChange } from '../../core/events/outbox.ts';
import type { Discount, Order, PressLogEntry } from '../../core/model.ts';
import { isWaiting } from '../../core/orders/lifecycle.ts';
import { isFlaggedForSupport } from '../../core/orders/support-queue.ts';
import type { StoredPress } from '../../core/press/press-store.ts';
import { FLAGGED_PARTITION, keys, outboxMarker, timeKey } from './table-keys.ts';

/** Press records that are not orders are kept for the press log, then expire (TTL). */
export const PRESS_RECORD_TTL_S = 30 * 24 * 3600;
export const REJECTION_TTL_S = 7 * 24 * 3600;

const ORDER_FIELDS = [
  'orderId',
  'deviceId',
  'seq',
  'householdId',
  'brandId',
  'skuId',
  'skuName',
  'quantity',
  'unitPriceCents',
  'currency',
  'acceptedPriceCents',
  'status',
  'placedAt',
  'cancelWindowMinutes',
  'cancelDeadline',
  'history',
  'guard',
  'press',
] as const;

const LOG_FIELDS = [
  'deviceId',
  'seq',
  'click',
  'outcome',
  'reason',
  'orderId',
  'receivedAt',
  'batteryMv',
  'attempt',
] as const;

function pick<T>(source: Record<string, unknown>, fields: readonly string[]): T {
  const out: Record<string, unknown> = {};
  for (const field of fields) out[field] = source[field] ?? null;
  return out as T;
}

function statusAt(order: Order): number {
  return order.history[order.history.length - 1]?.at ?? order.placedAt;
}

export const testOrdersPartition = (brandId: string) => `BRAND#${brandId}#TEST`;

/**
 * The index keys an order has once it has changed status (or from the start, for test orders):
 * the household's list, the brand's status lists (not while waiting on the household), the
 * support queue while flagged. Waiting orders are timed by timer items, not an index.
 */
export function orderIndexKeys(order: Order): Record<string, string | undefined> {
  const queued = isFlaggedForSupport(order);
  const brandList = order.test || !isWaiting(order.status);
  return {
    gsi1pk: `HH#${order.householdId}`,
    gsi1sk: `ORDER#${timeKey(order.placedAt)}#${order.orderId}`,
    // Test orders have their own partition, newest last by placement: never in a status list.
    gsi2pk: !brandList
      ? undefined
      : order.test
        ? testOrdersPartition(order.brandId)
        : `BRAND#${order.brandId}#${order.status}`,
    gsi2sk: !brandList
      ? undefined
      : `${timeKey(order.test ? order.placedAt : statusAt(order))}#${order.orderId}`,
    gsi4pk: queued ? FLAGGED_PARTITION : undefined,
    gsi4sk: queued ? `${timeKey(order.placedAt)}#${order.orderId}` : undefined,
  };
}

/**
 * A new order's item enters no index (a press writes as little as it can): the household's list
 * finds it on its button until its first transition adds the keys, the sweep through the timer
 * item its event files. Test orders (the sandbox lists them) and flagged ones (the support
 * queue) are rare and keep theirs.
 */
function createdIndexKeys(order: Order): Record<string, string | undefined> {
  if (order.test) return orderIndexKeys(order);
  const { gsi4pk, gsi4sk } = orderIndexKeys(order);
  return { gsi4pk, gsi4sk };
}

export function toOrderItem(order: Order, press: PressLogEntry): Record<string, unknown> {
  return {
    ...keys.press(order.deviceId, order.seq),
    type: 'order',
    ...press,
    ...order,
    ...createdIndexKeys(order),
    published: 0,
    ...outboxMarker(order.placedAt, order.orderId),
  };
}

export function toPressItem(entry: PressLogEntry): Record<string, unknown> {
  return {
    ...keys.press(entry.deviceId, entry.seq as number),
    type: 'press',
    ...entry,
    expiresAt: Math.floor(entry.receivedAt / 1000) + PRESS_RECORD_TTL_S,
  };
}

export function toRejectionItem(entry: PressLogEntry, nonce: string): Record<string, unknown> {
  return {
    ...keys.rejection(entry.deviceId, entry.receivedAt, nonce),
    type: 'rejection',
    ...entry,
    expiresAt: Math.floor(entry.receivedAt / 1000) + REJECTION_TTL_S,
  };
}

export function fromOrderItem(item: Record<string, unknown>): Order {
  const order = pick<Order>(item, ORDER_FIELDS);
  // Absent unless set, as on the orders the core creates.
  if (item.discount) order.discount = item.discount as Discount;
  if (item.test === true) order.test = true;
  return order;
}

/** Order items keep the creating press's outcome in `outcome`; the order's own is `status`. */
export function logEntryOf(item: Record<string, unknown>): PressLogEntry {
  return pick<PressLogEntry>(item, LOG_FIELDS);
}

export function storedPressOf(item: Record<string, unknown>): StoredPress {
  return item.type === 'order'
    ? { kind: 'order', order: fromOrderItem(item) }
    : { kind: 'press', entry: logEntryOf(item) };
}

/** An order item as an outbox entry: the order and how many of its events are published. */
export function orderChangeOf(item: Record<string, unknown>): OrderChange {
  return { order: fromOrderItem(item), published: Number(item.published ?? 0) };
}
