/**
 * A household's reorder rhythm for one SKU, learned from its own delivered orders only. The
 * aggregate is small (the last few order times) and lives on the button item, so the press
 * path reads it in the round trip it already makes.
 */
import type { Order } from '../model.ts';

export const DAY_MS = 24 * 60 * 60 * 1000;

/** Below this many delivered orders the household's own data decides nothing. */
export const MIN_ORDERS_FOR_RHYTHM = 3;

/** Enough gaps for a median that one odd order cannot move outside the others. */
const ORDERS_KEPT = 9;

export interface SkuRhythm {
  /** When each delivered order was placed, oldest first, at most ORDERS_KEPT. */
  orderedAt: number[];
  /** When the household (or its button, or support) last cancelled an order of this SKU. */
  lastCancelledAt: number | null;
}

/** One rhythm per SKU the button has ordered, keyed by SKU id. */
export type RhythmBook = Record<string, SkuRhythm>;

export interface RhythmEstimate {
  /** The usual time between two orders. */
  intervalMs: number;
  /** Median absolute deviation of the gaps (0 for a brand default). */
  spreadMs: number;
  basis: 'household' | 'brand';
}

function median(sorted: readonly number[]): number {
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1
    ? (sorted[mid] as number)
    : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

/** Gaps between consecutive order times (sorted first, so the input order does not matter). */
export function gapsOf(orderedAt: readonly number[]): number[] {
  const times = [...orderedAt].sort((a, b) => a - b);
  return times.slice(1).map((at, i) => at - (times[i] as number));
}

/**
 * The median gap and its spread once there are MIN_ORDERS_FOR_RHYTHM orders; until then the
 * brand's "usually lasts N days", or null (no decision).
 */
export function estimateRhythm(
  orderedAt: readonly number[],
  brandDefaultDays: number | null,
): RhythmEstimate | null {
  if (orderedAt.length >= MIN_ORDERS_FOR_RHYTHM) {
    const gaps = gapsOf(orderedAt).sort((a, b) => a - b);
    const intervalMs = median(gaps);
    const spreadMs = median(gaps.map((gap) => Math.abs(gap - intervalMs)).sort((a, b) => a - b));
    return { intervalMs, spreadMs, basis: 'household' };
  }
  if (brandDefaultDays !== null && brandDefaultDays > 0) {
    return { intervalMs: brandDefaultDays * DAY_MS, spreadMs: 0, basis: 'brand' };
  }
  return null;
}

/**
 * The rhythm after an order closed: a delivered order adds its press time, a cancelled one marks
 * the cancel (to notice a reorder right after it). With learning off nothing new is learned.
 */
export function recordClosedOrder(book: RhythmBook, order: Order, learning: boolean): RhythmBook {
  const current = book[order.skuId] ?? { orderedAt: [], lastCancelledAt: null };
  if (order.status === 'DELIVERED' && learning) {
    const orderedAt = [...current.orderedAt, order.placedAt]
      .sort((a, b) => a - b)
      .slice(-ORDERS_KEPT);
    return { ...book, [order.skuId]: { ...current, orderedAt } };
  }
  if (order.status === 'CANCELLED') {
    const at = order.history[order.history.length - 1]?.at ?? order.placedAt;
    return { ...book, [order.skuId]: { ...current, lastCancelledAt: at } };
  }
  return book;
}

/** When the SKU will probably be needed next, or null when there is no estimate. */
export function nextNeedAt(rhythm: SkuRhythm | undefined, brandDefaultDays: number | null) {
  const last = rhythm?.orderedAt[rhythm.orderedAt.length - 1];
  const estimate = estimateRhythm(rhythm?.orderedAt ?? [], brandDefaultDays);
  if (last === undefined || estimate === null) return null;
  return { estimate, lastOrderAt: last, nextAt: last + estimate.intervalMs };
}
