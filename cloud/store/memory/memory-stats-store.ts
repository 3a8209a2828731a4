/** StatsStore on the MemoryTable: one record per bucket, counts and per-order markers together. */
import type {
  DayRange,
  StatsBucket,
  StatsBucketKey,
  StatsCounts,
  StatsStore,
} from '../../core/insight/stats-store.ts';
import { clone, type MemoryTable } from './memory-table.ts';

const bucketKey = (b: StatsBucketKey) => `${b.brandId}/${b.day}/${b.skuId}/${b.shard}`;

export class MemoryStatsStore implements StatsStore {
  constructor(private readonly table: MemoryTable) {}

  async counted(bucket: StatsBucketKey, orderId: string): Promise<number> {
    return this.table.stats.get(bucketKey(bucket))?.counted[orderId] ?? 0;
  }

  async add(
    bucket: StatsBucketKey,
    orderId: string,
    from: number,
    to: number,
    delta: StatsCounts,
  ): Promise<boolean> {
    const key = bucketKey(bucket);
    const record = this.table.stats.get(key) ?? {
      ...bucket,
      counts: { orders: 0, units: 0, byStatus: {}, revenueCents: {} },
      counted: {},
    };
    if ((record.counted[orderId] ?? 0) !== from) return false;
    const { counts } = record;
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
    record.counted[orderId] = to;
    this.table.stats.set(key, record);
    return true;
  }

  async buckets(brandId: string, range?: DayRange): Promise<StatsBucket[]> {
    return [...this.table.stats.values()]
      .filter(
        (b) => b.brandId === brandId && (!range || (b.day >= range.from && b.day <= range.to)),
      )
      .sort((a, b) => bucketKey(a).localeCompare(bucketKey(b)))
      .map(({ counted: _counted, ...bucket }) => clone(bucket));
  }
}
