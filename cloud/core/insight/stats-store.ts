/**
 * Where brand statistics live: buckets of counts per brand × placement day × SKU (× shard),
 * and, per order, how many of its events the bucket counts. That number lives in two places
 * so that a bucket holds only the orders being counted right now, however busy its day:
 * - while an event is being counted, a marker in the bucket, written in the same conditional
 *   write as the counts (the commit point of counting; a crash after it loses nothing);
 * - once settled, the order's own small record; the marker then leaves the bucket.
 * The bucket also keeps epochs (a few counters, by a hash of the order id) that settling
 * raises: a count based on the order's record holds only if no settle of its epoch came in
 * between, so a consumer that read a record just before it changed cannot count twice.
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

/** How far a bucket has counted an order, as read; `add` holds only if it is still so. */
export interface StatsProgress {
  /** Events counted (0: none). */
  counted: number;
  /** True when that number is the bucket's marker (an event being counted), not the order's record. */
  marked: boolean;
  /** The order's epoch in the bucket when read (0: never raised). */
  epoch: number;
}

/** An order in its bucket. */
export interface StatsOrder {
  bucket: StatsBucketKey;
  orderId: string;
}

/** One order's part of an `add`. */
export interface StatsAddition {
  orderId: string;
  /** How far the order was counted when read; the write holds only if it still is. */
  from: StatsProgress;
  /** Events counted once written. */
  to: number;
  delta: StatsCounts;
}

/** One order's part of a `settle`: `to` events counted. */
export interface StatsSettlement {
  orderId: string;
  to: number;
}

/**
 * Orders one `add` or `settle` takes at most: a write of a busy bucket covers the orders of a
 * delivered batch, yet its condition stays well inside DynamoDB's 4 KB expression limit.
 */
export const STATS_ORDERS_PER_WRITE = 25;

export interface StatsStore {
  /**
   * Where each order stands, in the order asked: the buckets' markers and epochs are read first,
   * then the records of the orders without a marker.
   */
  progress(orders: readonly StatsOrder[]): Promise<StatsProgress[]>;
  /**
   * Adds the orders' deltas to the bucket and marks each order's `to` — only if every order's
   * `from` is still how far it is counted, in one conditional write: all or none. False when
   * the condition failed. Distinct orders, at most STATS_ORDERS_PER_WRITE.
   */
  add(bucket: StatsBucketKey, additions: readonly StatsAddition[]): Promise<boolean>;
  /**
   * Records each order's `to` on its record (never lowering it), then takes out of the bucket
   * the markers that still say `to`, raising those orders' epochs. Repeatable. Distinct orders,
   * at most STATS_ORDERS_PER_WRITE.
   */
  settle(bucket: StatsBucketKey, settlements: readonly StatsSettlement[]): Promise<void>;
  /** The brand's buckets, those of the days in `range` when given; never reads orders. */
  buckets(brandId: string, range?: DayRange): Promise<StatsBucket[]>;
}
