/**
 * What a brand's insight knows of each of its households: a record under a pseudonymous key
 * (a hash of brand and household id — per brand, so two brands cannot join their records),
 * holding only the claim month and, per month, the orders delivered and their value. No name,
 * e-mail or address ever enters it, and its size follows months, not orders.
 *
 * Only an order's delivery counts (the one transition after which an order can no longer be
 * cancelled), so earlier events change nothing and their order of arrival does not matter. A
 * redelivered delivery event is recognised by the order ids delivered in the last two days of
 * event time kept on the record — longer than any redelivery (the bus and stream retry for
 * 24 h; the local relay publishes oldest first). Erasure leaves a tombstone that later events
 * cannot revive.
 */
import type { Order } from '../model.ts';

export interface MonthActivity {
  /** Delivered orders placed this month. */
  orders: number;
  /** Their value by currency. */
  cents: Record<string, number>;
}

export interface HouseholdActivity {
  brandId: string;
  /** Pseudonymous: a hash of brand and household id (household-insight.ts). */
  key: string;
  erased: boolean;
  /** `YYYY-MM` of the household's first claim of one of the brand's buttons. */
  claimMonth: string | null;
  /** By `YYYY-MM` of placement. */
  months: Record<string, MonthActivity>;
  /** When the newest delivered order was placed. */
  lastOrderAt: number | null;
  /** Orders counted recently (id → event time), to recognise a redelivered event. */
  recent: Record<string, number>;
}

const DEDUP_WINDOW_MS = 2 * 86_400_000;

export function monthOf(at: number): string {
  return new Date(at).toISOString().slice(0, 7);
}

export function newActivity(brandId: string, key: string): HouseholdActivity {
  return {
    brandId,
    key,
    erased: false,
    claimMonth: null,
    months: {},
    lastOrderAt: null,
    recent: {},
  };
}

/** The household's record after an order event: only a delivery counts, once. */
export function withOrder(
  activity: HouseholdActivity,
  order: Order,
  at: number,
): HouseholdActivity {
  if (activity.erased || order.status !== 'DELIVERED' || order.orderId in activity.recent) {
    return activity;
  }
  const month = monthOf(order.placedAt);
  const before = activity.months[month] ?? { orders: 0, cents: {} };
  const cents = order.quantity * order.unitPriceCents;
  const recent = Object.fromEntries(
    Object.entries(activity.recent).filter(([, seen]) => seen > at - DEDUP_WINDOW_MS),
  );
  recent[order.orderId] = at;
  return {
    ...activity,
    months: {
      ...activity.months,
      [month]: {
        orders: before.orders + 1,
        cents: { ...before.cents, [order.currency]: (before.cents[order.currency] ?? 0) + cents },
      },
    },
    lastOrderAt: Math.max(activity.lastOrderAt ?? 0, order.placedAt),
    recent,
  };
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
