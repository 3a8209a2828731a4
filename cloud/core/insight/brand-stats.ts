/**
 * Brand statistics maintained from order events instead of computed by reading orders.
 *
 * An order counts in the bucket of its brand, placement day (UTC) and SKU, spread over
 * STATS_SHARDS shards by order id. Its contribution follows its status: one order in
 * `byStatus[status]`, and units and revenue while it is confirmed, shipped or delivered. Event
 * n of an order (its n-th transition) moves the bucket from the order's contribution after k
 * counted events to the one after n, in one conditional write that holds only if k are still
 * counted, and that marks n in the bucket; then the order's own record takes n and the marker
 * leaves (stats-store.ts). So:
 * - a redelivered event (n ≤ k) changes nothing;
 * - events may arrive out of order: event n applies everything up to n, earlier ones are then
 *   no-ops (each event carries the order's history up to itself);
 * - a crash between any two store calls leaves either nothing or the whole count written, and
 *   the next delivery finishes settling it;
 * - concurrent consumers race on the condition; the loser re-reads and retries;
 * - a bucket item holds the counts and the markers of orders being counted at that moment,
 *   never one per order of its day: its size, and each write's cost, stay the same however
 *   many orders a day brings.
 * Both the local outbox drain and the AWS event path run this same sink.
 */
import { RestockError } from '../errors.ts';
import { inOrderPerKey } from '../events/in-order-per-key.ts';
import { ORDER_STATUSES, type Order, type OrderEvent, type OrderStatus } from '../model.ts';
import type { EventSink } from '../ports.ts';
import {
  type DayRange,
  STATS_ORDERS_PER_WRITE,
  type StatsAddition,
  type StatsBucket,
  type StatsBucketKey,
  type StatsCounts,
  type StatsProgress,
  type StatsStore,
} from './stats-store.ts';

export const STATS_SHARDS = 4;
const REVENUE_STATUSES: readonly OrderStatus[] = ['CONFIRMED', 'SHIPPED', 'DELIVERED'];
const MAX_RACES = 50;
const DAY_MS = 86_400_000;

/** Counting kept losing races on one bucket; the delivery is retried as a whole. */
export class StatsContentionError extends RestockError {
  override readonly name = 'StatsContentionError';
  constructor(eventId: string) {
    super('STATS_CONTENTION', `event ${eventId} could not be counted`, { details: { eventId } });
  }
}

/** A day range that is not a range of real days, ends before it starts, or spans over a year. */
export class InvalidRangeError extends RestockError {
  override readonly name = 'InvalidRangeError';
  constructor(from: string, to: string) {
    super('INVALID_RANGE', `days ${from} to ${to} are not a valid range (at most a year)`, {
      details: { from, to },
    });
  }
}

export function dayOf(at: number): string {
  return new Date(at).toISOString().slice(0, 10);
}

function hashOf(orderId: string): number {
  let hash = 0;
  for (let i = 0; i < orderId.length; i++) hash = (hash * 31 + orderId.charCodeAt(i)) >>> 0;
  return hash;
}

export function shardOf(orderId: string): number {
  return hashOf(orderId) % STATS_SHARDS;
}

/**
 * Which of its bucket's epochs an order's settling raises: a few per bucket, so that a settle
 * makes only the orders sharing its epoch re-read, not every order of a busy bucket.
 */
export const STATS_EPOCHS = 16;
export function epochOf(orderId: string): number {
  return hashOf(orderId) % STATS_EPOCHS;
}

export function bucketOf(order: Order): StatsBucketKey {
  return {
    brandId: order.brandId,
    day: dayOf(order.placedAt),
    skuId: order.skuId,
    shard: shardOf(order.orderId),
  };
}

export function emptyCounts(): StatsCounts {
  return { orders: 0, units: 0, byStatus: {}, revenueCents: {} };
}

const UNCONFIRMED: readonly OrderStatus[] = ['PLACED', 'NEEDS_CONFIRMATION'];

/**
 * What an order with `status` contributes to its bucket; `previous` is the status before it,
 * which tells an accidental order (cancelled before it was confirmed) from a later cancellation.
 */
export function contribution(
  order: Order,
  status: OrderStatus,
  previous?: OrderStatus,
): StatsCounts {
  const counts: StatsCounts = { orders: 1, units: 0, byStatus: { [status]: 1 }, revenueCents: {} };
  if (status === 'CANCELLED' && previous !== undefined && UNCONFIRMED.includes(previous)) {
    counts.accidental = 1;
  }
  if (REVENUE_STATUSES.includes(status)) {
    counts.units = order.quantity;
    counts.revenueCents[order.currency] = order.quantity * order.unitPriceCents;
  }
  return counts;
}

function combine(a: StatsCounts, b: StatsCounts, sign: 1 | -1): StatsCounts {
  const out: StatsCounts = {
    orders: a.orders + sign * b.orders,
    units: a.units + sign * b.units,
    byStatus: { ...a.byStatus },
    revenueCents: { ...a.revenueCents },
  };
  const accidental = (a.accidental ?? 0) + sign * (b.accidental ?? 0);
  if (accidental !== 0) out.accidental = accidental;
  for (const [status, n] of Object.entries(b.byStatus) as [OrderStatus, number][]) {
    out.byStatus[status] = (out.byStatus[status] ?? 0) + sign * n;
  }
  for (const [currency, n] of Object.entries(b.revenueCents)) {
    out.revenueCents[currency] = (out.revenueCents[currency] ?? 0) + sign * n;
  }
  return out;
}

/** The change from `from` counted events of the order to `to` (the order carries ≥ `to` steps). */
export function deltaBetween(order: Order, from: number, to: number): StatsCounts {
  const statusAt = (n: number) => (order.history[n - 1] as Order['history'][number]).status;
  const at = (n: number) => contribution(order, statusAt(n), order.history[n - 2]?.status);
  const after = at(to);
  return from === 0 ? after : combine(after, at(from), -1);
}

/** The order events sink that keeps the statistics. */
export class StatsCounter implements EventSink {
  constructor(private readonly store: StatsStore) {}

  /**
   * Where every order stands is read for the whole batch at once. The orders' first events are
   * then counted together, one write per bucket (the busy case: a batch of new orders of one
   * SKU and day); what that leaves — later events, lost races, redeliveries — is counted order
   * by order, each order's events one after the other, in order, and a retry reads its order
   * alone.
   */
  async emit(events: OrderEvent[]): Promise<void> {
    // Test orders (the brand's sandbox) never count in totals or insight.
    const counted = events.filter((e) => !e.order.test && e.order.history.length > 0);
    const firsts = new Map<string, OrderEvent>();
    for (const event of counted) if (!firsts.has(event.orderId)) firsts.set(event.orderId, event);
    const places = [...firsts.values()].map(({ order }) => ({
      bucket: bucketOf(order),
      orderId: order.orderId,
    }));
    const read = await this.store.progress(places);
    const known = new Map(places.map((place, i) => [place.orderId, read[i] as StatsProgress]));
    const done = await this.countTogether([...firsts.values()], known);
    await inOrderPerKey(
      counted,
      (event) => event.orderId,
      async (event, i) => {
        if (i === 0 && done.has(event.orderId)) return;
        await this.count(event, i === 0 ? known.get(event.orderId) : undefined);
      },
    );
  }

  /**
   * Counts the events that move their order past what was read, a write per bucket for up to
   * STATS_ORDERS_PER_WRITE orders, the buckets side by side; returns the orders counted. Every
   * add comes before any settle: a settle raises epochs that the other adds' conditions read.
   */
  private async countTogether(
    events: OrderEvent[],
    known: Map<string, StatsProgress>,
  ): Promise<Set<string>> {
    const groups = new Map<string, { bucket: StatsBucketKey; additions: StatsAddition[] }>();
    for (const { order } of events) {
      const from = known.get(order.orderId);
      const to = order.history.length;
      if (!from || from.counted >= to) continue;
      const bucket = bucketOf(order);
      const id = `${bucket.brandId}\u0000${bucket.day}\u0000${bucket.skuId}\u0000${bucket.shard}`;
      const group = groups.get(id) ?? { bucket, additions: [] };
      group.additions.push({
        orderId: order.orderId,
        from,
        to,
        delta: deltaBetween(order, from.counted, to),
      });
      groups.set(id, group);
    }
    const writes = [...groups.values()].flatMap(({ bucket, additions }) =>
      chunks(additions, STATS_ORDERS_PER_WRITE).map((chunk) => ({ bucket, chunk })),
    );
    const added = await Promise.all(
      writes.map(({ bucket, chunk }) => this.store.add(bucket, chunk)),
    );
    const done = new Set<string>();
    await Promise.all(
      writes.map(async ({ bucket, chunk }, i) => {
        if (!added[i]) return;
        await this.store.settle(
          bucket,
          chunk.map(({ orderId, to }) => ({ orderId, to })),
        );
        for (const { orderId } of chunk) done.add(orderId);
      }),
    );
    return done;
  }

  private async count(event: OrderEvent, known: StatsProgress | undefined): Promise<void> {
    const { order } = event;
    const { orderId } = order;
    const n = order.history.length;
    const bucket = bucketOf(order);
    const place = [{ bucket, orderId }];
    let progress = known ?? (await this.store.progress(place))[0];
    for (let race = 0; race < MAX_RACES && progress; race++) {
      if (progress.counted >= n) {
        // Counted already; a marker left means a crash came before settling: settle it now.
        if (progress.marked) {
          await this.store.settle(bucket, [{ orderId, to: progress.counted }]);
        }
        return;
      }
      const delta = deltaBetween(order, progress.counted, n);
      if (await this.store.add(bucket, [{ orderId, from: progress, to: n, delta }])) {
        await this.store.settle(bucket, [{ orderId, to: n }]);
        return;
      }
      progress = (await this.store.progress(place))[0];
    }
    throw new StatsContentionError(event.eventId);
  }
}

function chunks<T>(items: T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

export interface BrandTotals {
  brandId: string;
  orders: number;
  units: number;
  revenueCents: Record<string, number>;
  byStatus: Record<OrderStatus, number>;
}

export function totalsOf(brandId: string, buckets: StatsBucket[]): BrandTotals {
  const sum = buckets.reduce((acc, b) => combine(acc, b.counts, 1), emptyCounts());
  const byStatus = Object.fromEntries(
    ORDER_STATUSES.map((status) => [status, sum.byStatus[status] ?? 0]),
  ) as Record<OrderStatus, number>;
  const revenueCents = Object.fromEntries(
    Object.entries(sum.revenueCents).filter(([, cents]) => cents !== 0),
  );
  return { brandId, orders: sum.orders, units: sum.units, revenueCents, byStatus };
}

export interface SkuDay {
  day: string;
  skuId: string;
  orders: number;
  cancelled: number;
}

export interface SkuInsight {
  skuId: string;
  orders: number;
  cancelled: number;
  /** Cancelled ÷ orders (0 without orders). */
  cancellationRate: number;
  /** Orders undone before confirmation (cancelled in the window by household, button or support, or declined). */
  accidental: number;
  /** Accidental ÷ orders (0 without orders). */
  accidentalRate: number;
}

export interface BrandInsight {
  brandId: string;
  from: string;
  to: string;
  /** Orders placed per day per SKU, and how many of them were cancelled; oldest day first. */
  days: SkuDay[];
  skus: SkuInsight[];
}

export const INSIGHT_DEFAULT_DAYS = 30;
export const INSIGHT_MAX_DAYS = 366;

/** The requested days: `to` defaults to today, `from` to 29 days before `to`; at most a year. */
export function insightRange(now: number, query: { from?: string; to?: string }): DayRange {
  const to = query.to ?? dayOf(now);
  const toMs = Date.parse(`${to}T00:00:00Z`);
  const from = query.from ?? dayOf(toMs - (INSIGHT_DEFAULT_DAYS - 1) * DAY_MS);
  const fromMs = Date.parse(`${from}T00:00:00Z`);
  if (Number.isNaN(toMs) || Number.isNaN(fromMs) || fromMs > toMs) {
    throw new InvalidRangeError(from, to);
  }
  if ((toMs - fromMs) / DAY_MS >= INSIGHT_MAX_DAYS) throw new InvalidRangeError(from, to);
  return { from, to };
}

export function insightOf(brandId: string, range: DayRange, buckets: StatsBucket[]): BrandInsight {
  const byDay = new Map<string, SkuDay>();
  const bySku = new Map<string, SkuInsight>();
  for (const bucket of buckets) {
    const cancelled = bucket.counts.byStatus.CANCELLED ?? 0;
    const key = `${bucket.day}\u0000${bucket.skuId}`;
    const day = byDay.get(key) ?? { day: bucket.day, skuId: bucket.skuId, orders: 0, cancelled: 0 };
    day.orders += bucket.counts.orders;
    day.cancelled += cancelled;
    byDay.set(key, day);
    const sku = bySku.get(bucket.skuId) ?? {
      skuId: bucket.skuId,
      orders: 0,
      cancelled: 0,
      cancellationRate: 0,
      accidental: 0,
      accidentalRate: 0,
    };
    sku.orders += bucket.counts.orders;
    sku.cancelled += cancelled;
    sku.accidental += bucket.counts.accidental ?? 0;
    bySku.set(bucket.skuId, sku);
  }
  const skus = [...bySku.values()]
    .map((s) => ({
      ...s,
      cancellationRate: s.orders === 0 ? 0 : s.cancelled / s.orders,
      accidentalRate: s.orders === 0 ? 0 : s.accidental / s.orders,
    }))
    .sort((a, b) => a.skuId.localeCompare(b.skuId));
  const days = [...byDay.values()]
    .filter((d) => d.orders > 0)
    .sort((a, b) => a.day.localeCompare(b.day) || a.skuId.localeCompare(b.skuId));
  return { brandId, from: range.from, to: range.to, days, skus };
}
