/**
 * StatsStore on the MemoryTable: one record per bucket (counts, markers of orders being
 * counted, epochs) and one settled count per order.
 */
import { epochOf } from '../../core/insight/brand-stats.ts';
import type {
  DayRange,
  StatsAddition,
  StatsBucket,
  StatsBucketKey,
  StatsCounts,
  StatsOrder,
  StatsProgress,
  StatsSettlement,
  StatsStore,
} from '../../core/insight/stats-store.ts';
import { clone, type MemoryStatsBucket, type MemoryTable } from './memory-table.ts';

const bucketKey = (b: StatsBucketKey) => `${b.brandId}/${b.day}/${b.skuId}/${b.shard}`;
const orderKey = (b: StatsBucketKey, orderId: string) => `${b.brandId}/${orderId}`;

export class MemoryStatsStore implements StatsStore {
  constructor(private readonly table: MemoryTable) {}

  async progress(orders: readonly StatsOrder[]): Promise<StatsProgress[]> {
    return orders.map(({ bucket, orderId }) => {
      const record = this.table.stats.get(bucketKey(bucket));
      const epoch = record?.epochs[epochOf(orderId)] ?? 0;
      const marker = record?.marked[orderId];
      if (marker !== undefined) return { counted: marker, marked: true, epoch };
      const counted = this.table.statsCounted.get(orderKey(bucket, orderId)) ?? 0;
      return { counted, marked: false, epoch };
    });
  }

  async add(bucket: StatsBucketKey, additions: readonly StatsAddition[]): Promise<boolean> {
    if (additions.length === 0) return true;
    const key = bucketKey(bucket);
    const record: MemoryStatsBucket = this.table.stats.get(key) ?? {
      ...bucket,
      counts: { orders: 0, units: 0, byStatus: {}, revenueCents: {} },
      marked: {},
      epochs: {},
    };
    const holds = additions.every(({ orderId, from }) => {
      const marker = record.marked[orderId];
      return from.marked
        ? marker === from.counted
        : marker === undefined && (record.epochs[epochOf(orderId)] ?? 0) === from.epoch;
    });
    if (!holds) return false;
    for (const { orderId, to, delta } of additions) {
      addTo(record.counts, delta);
      record.marked[orderId] = to;
    }
    this.table.stats.set(key, record);
    return true;
  }

  async settle(bucket: StatsBucketKey, settlements: readonly StatsSettlement[]): Promise<void> {
    for (const { orderId, to } of settlements) {
      const counted = orderKey(bucket, orderId);
      this.table.statsCounted.set(counted, Math.max(this.table.statsCounted.get(counted) ?? 0, to));
    }
    const record = this.table.stats.get(bucketKey(bucket));
    if (!record) return;
    const removed = settlements.filter(({ orderId, to }) => record.marked[orderId] === to);
    for (const { orderId } of removed) delete record.marked[orderId];
    for (const epoch of new Set(removed.map(({ orderId }) => epochOf(orderId)))) {
      record.epochs[epoch] = (record.epochs[epoch] ?? 0) + 1;
    }
  }

  async buckets(brandId: string, range?: DayRange): Promise<StatsBucket[]> {
    return [...this.table.stats.values()]
      .filter(
        (b) => b.brandId === brandId && (!range || (b.day >= range.from && b.day <= range.to)),
      )
      .sort((a, b) => bucketKey(a).localeCompare(bucketKey(b)))
      .map(({ marked: _marked, epochs: _epochs, ...bucket }) => clone(bucket));
  }
}

function addTo(counts: StatsCounts, delta: StatsCounts): void {
  counts.orders += delta.orders;
  counts.units += delta.units;
  const accidental = (counts.accidental ?? 0) + (delta.accidental ?? 0);
  if (accidental !== 0) counts.accidental = accidental;
  else delete counts.accidental;
  for (const [status, n] of Object.entries(delta.byStatus) as [
    keyof StatsCounts['byStatus'],
    number,
  ][]) {
    counts.byStatus[status] = (counts.byStatus[status] ?? 0) + n;
  }
  for (const [currency, n] of Object.entries(delta.revenueCents)) {
    counts.revenueCents[currency] = (counts.revenueCents[currency] ?? 0) + n;
  }
}
