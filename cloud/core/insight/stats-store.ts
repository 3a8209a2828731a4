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

export interface StatsStore {
  /**
   * Where each order stands, in the order asked: the buckets' markers and epochs are read first,
   * then the records of the orders without a marker.
   */
  progress(orders: readonly StatsOrder[]): Promise<StatsProgress[]>;
  /**
   * Adds `delta` to the bucket and marks `to` events counted for the order — only if `from` is
   * still how far it is counted, in one conditional write. False when the condition failed.
   */
  add(
    bucket: StatsBucketKey,
    orderId: string,
    from: StatsProgress,
    to: number,
    delta: StatsCounts,
  ): Promise<boolean>;
  /**
   * Records `to` counted events on the order's record (never lowering it), then takes the
   * marker out of the bucket if it still says `to`, raising the order's epoch. Repeatable.
   */
  settle(bucket: StatsBucketKey, orderId: string, to: number): Promise<void>;
  /** The brand's buckets, those of the days in `range` when given; never reads orders. */
  buckets(brandId: string, range?: DayRange): Promise<StatsBucket[]>;
}
