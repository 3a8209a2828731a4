/** Orders made up for the brand statistics' tests, and what they should add up to. */
import { bucketOf, contribution, totalsOf } from '../../cloud/core/insight/brand-stats.ts';
import type {
  StatsBucketKey,
  StatsProgress,
  StatsStore,
} from '../../cloud/core/insight/stats-store.ts';
import type { Order, OrderStatus } from '../../cloud/core/model.ts';
import { BRAND, START } from './world.ts';

/** An order of the brand placed at START, with one transition a minute through `statuses`. */
export function orderThrough(
  orderId: string,
  statuses: OrderStatus[],
  overrides: Partial<Order> = {},
): Order {
  return {
    orderId,
    deviceId: orderId,
    seq: 1,
    householdId: 'hh-1',
    brandId: BRAND,
    skuId: 'coffee',
    skuName: 'Coffee',
    quantity: 2,
    unitPriceCents: 1299,
    currency: 'EUR',
    acceptedPriceCents: null,
    status: statuses[statuses.length - 1] as OrderStatus,
    placedAt: START,
    cancelWindowMinutes: 30,
    cancelDeadline: START + 30 * 60_000,
    history: statuses.map((status, i) => ({
      status,
      at: START + i * 60_000,
      actor: { kind: 'system', id: 'test' },
    })),
    ...overrides,
  };
}

/** What reading every order would give. */
export const totalsOfOrders = (orders: Order[]) =>
  totalsOf(
    BRAND,
    orders.map((order) => ({ ...bucketOf(order), counts: contribution(order, order.status) })),
  );

export const progressOf = async (stats: StatsStore, bucket: StatsBucketKey, orderId: string) =>
  (await stats.progress([{ bucket, orderId }]))[0] as StatsProgress;
