/**
 * What a brand's insight knows of each of its households: a record under a pseudonymous key
 * (a hash of brand and household id — per brand, so two brands cannot join their records),
 * holding only the claim month and, per order, its latest counted status, month and amount.
 * No name, e-mail or address ever enters it. Records change from events (order events, button
 * claims), each order's n-th event applied only when fewer than n are, so redeliveries and
 * out-of-order delivery change nothing; erasure leaves a tombstone that later events cannot
 * revive.
 */
import type { Order, OrderStatus } from '../model.ts';

export interface OrderMark {
  /** How many of the order's events this mark reflects. */
  n: number;
  status: OrderStatus;
  placedAt: number;
  cents: number;
  currency: string;
}

export interface HouseholdActivity {
  brandId: string;
  /** Pseudonymous: a hash of brand and household id (household-insight.ts). */
  key: string;
  erased: boolean;
  /** `YYYY-MM` of the household's first claim of one of the brand's buttons. */
  claimMonth: string | null;
  orders: Record<string, OrderMark>;
  /** Months with a fulfilled order whose mark was dropped (final and over a year old). */
  pastActiveMonths: string[];
}

/** Orders that count as bought (the cancel window is over and they were not cancelled since). */
export const BOUGHT: readonly OrderStatus[] = ['CONFIRMED', 'SHIPPED', 'DELIVERED'];
const FINAL: readonly OrderStatus[] = ['DELIVERED', 'CANCELLED', 'EXPIRED'];
/** Final marks older than this are folded into `pastActiveMonths` (keeps records small). */
const KEEP_MARKS_MS = 400 * 86_400_000;

export function monthOf(at: number): string {
  return new Date(at).toISOString().slice(0, 7);
}

export function newActivity(brandId: string, key: string): HouseholdActivity {
  return { brandId, key, erased: false, claimMonth: null, orders: {}, pastActiveMonths: [] };
}

/** The household's record after event n of `order` (the order as of that event). */
export function withOrder(
  activity: HouseholdActivity,
  order: Order,
  at: number,
): HouseholdActivity {
  const n = order.history.length;
  const known = activity.orders[order.orderId];
  if (activity.erased || n === 0 || (known && known.n >= n)) return activity;
  const orders: Record<string, OrderMark> = {
    ...activity.orders,
    [order.orderId]: {
      n,
      status: order.status,
      placedAt: order.placedAt,
      cents: order.quantity * order.unitPriceCents,
      currency: order.currency,
    },
  };
  const past = new Set(activity.pastActiveMonths);
  for (const [orderId, mark] of Object.entries(orders)) {
    if (!FINAL.includes(mark.status) || at - mark.placedAt < KEEP_MARKS_MS) continue;
    if (BOUGHT.includes(mark.status)) past.add(monthOf(mark.placedAt));
    delete orders[orderId];
  }
  return { ...activity, orders, pastActiveMonths: [...past].sort() };
}

export function withClaim(activity: HouseholdActivity, at: number): HouseholdActivity {
  const month = monthOf(at);
  if (activity.erased || (activity.claimMonth !== null && activity.claimMonth <= month)) {
    return activity;
  }
  return { ...activity, claimMonth: month };
}

export function erasedActivity(brandId: string, key: string): HouseholdActivity {
  return { ...newActivity(brandId, key), erased: true };
}
