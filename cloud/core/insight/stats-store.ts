/**
 * Where brand statistics live: buckets of counts per brand × placement day × SKU (× shard),
 * each carrying, for every order it counts, how many of that order's events are counted. The
 * counts and that marker change in one conditional write, so an event is counted exactly once
 * however often it is delivered and wherever a retry starts.
 */
import type { OrderStatus } from '../model.ts';

export interface StatsBucketKey {
  brandId: string;
  /** The UTC day the order was placed, `YYYY-MM-DD`. */
  day: string;
  skuId: string;
  shard: number;
}

export interface StatsCounts {
  orders: number;
  units: number;
  byStatus: Partial<Record<OrderStatus, number>>;
  /** By currency; confirmed, shipped and delivered orders only. */
  revenueCents: Record<string, number>;
  /** Orders undone before confirmation: cancelled inside the window, or declined. */
  accidental?: number;
}

export interface StatsBucket extends StatsBucketKey {
  counts: StatsCounts;
}

export interface DayRange {
  /** Inclusive, `YYYY-MM-DD`. */
  from: string;
  to: string;
}

export interface StatsStore {
  /** How many of the order's events the bucket has counted (0: none). */
  counted(bucket: StatsBucketKey, orderId: string): Promise<number>;
  /**
   * Adds `delta` to the bucket and records `to` events counted for the order — only if exactly
   * `from` are counted now, in one conditional write. False when the condition failed.
   */
  add(
    bucket: StatsBucketKey,
    orderId: string,
    from: number,
    to: number,
    delta: StatsCounts,
  ): Promise<boolean>;
  /** The brand's buckets, those of the days in `range` when given; never reads orders. */
  buckets(brandId: string, range?: DayRange): Promise<StatsBucket[]>;
}
