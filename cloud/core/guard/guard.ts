/**
 * The accidental-order guard: decides, from the button's settings, the household's own rhythm
 * and the time, whether a press that would order may order, must wait for the household's
 * confirmation, is part of a press already made, or is refused by the child lock. Pure.
 */
import { type ButtonSettings, DEFAULT_SETTINGS, type Order, type OrderGuard } from '../model.ts';
import { inWindow, localMinuteOfDay, minuteOf } from './local-time.ts';
import { DAY_MS, estimateRhythm, type SkuRhythm } from './rhythm.ts';

/**
 * Presses this close to the order they follow are one intent (a child, a bounce, a retry), unless
 * the household chose another window.
 */
export const BURST_WINDOW_MS = DEFAULT_SETTINGS.burstWindowSeconds * 1000;
/** A press this soon after a cancel is shown to support: it may be the same mistake again. */
export const REORDER_AFTER_CANCEL_MS = 60 * 60_000;

export interface GuardInput {
  settings: ButtonSettings;
  skuId: string;
  rhythm: SkuRhythm | undefined;
  /** The brand's "usually lasts N days" for the SKU, used until the household has a rhythm. */
  brandDefaultDays: number | null;
  /** The orders holding the button. */
  open: readonly Order[];
  now: number;
}

/** An open order by id, with when it was placed (its place in the support queue). */
export interface OpenOrderRef {
  orderId: string;
  placedAt: number;
}

export type GuardVerdict =
  | { kind: 'pass' }
  | { kind: 'disabled' }
  /** `repeats`: the open order the press repeats (support sees it flagged BURST). */
  | { kind: 'burst'; repeats: OpenOrderRef }
  | { kind: 'confirm'; guard: OrderGuard }
  | { kind: 'flag'; guard: OrderGuard };

const because = (reason: OrderGuard['reason']): OrderGuard => ({
  reason,
  usualIntervalDays: null,
  daysSinceLast: null,
});

export function guardPress(input: GuardInput): GuardVerdict {
  const { settings, now } = input;
  if (settings.childLock === 'disabled') return { kind: 'disabled' };
  const repeats = repeatedOrder(settings, input.open, now);
  if (repeats) return { kind: 'burst', repeats };
  if (settings.childLock === 'confirm') return { kind: 'confirm', guard: because('CHILD_LOCK') };
  const quiet = settings.quietHours;
  if (
    quiet !== null &&
    inWindow(localMinuteOfDay(now, settings.timeZone), minuteOf(quiet.from), minuteOf(quiet.to))
  ) {
    return { kind: 'confirm', guard: because('QUIET_HOURS') };
  }
  const early = settings.learnRhythm ? earlyReorder(input) : null;
  if (early) return { kind: 'confirm', guard: early };
  const cancelledAt = input.rhythm?.lastCancelledAt ?? null;
  if (cancelledAt !== null && now - cancelledAt < REORDER_AFTER_CANCEL_MS) {
    return { kind: 'flag', guard: because('CANCELLED_THEN_REORDERED') };
  }
  return { kind: 'pass' };
}

/** The newest open order a press at `now` repeats (inside the burst window), if any. */
export function repeatedOrder(
  settings: ButtonSettings,
  open: readonly Order[],
  now: number,
): OpenOrderRef | null {
  const window = settings.burstWindowSeconds * 1000;
  const repeated = open
    .filter((order) => now - order.placedAt < window)
    .sort((a, b) => b.placedAt - a.placedAt)[0];
  return repeated ? { orderId: repeated.orderId, placedAt: repeated.placedAt } : null;
}

/** A press before `earlyReorderPct` % of the usual interval has passed since the last order. */
function earlyReorder(input: GuardInput): OrderGuard | null {
  const orderedAt = input.rhythm?.orderedAt ?? [];
  const estimate = estimateRhythm(orderedAt, input.brandDefaultDays);
  const sameSku = input.open.filter(
    (order) => order.skuId === input.skuId && order.status !== 'NEEDS_CONFIRMATION',
  );
  const last = Math.max(...orderedAt, ...sameSku.map((order) => order.placedAt));
  if (estimate === null || !Number.isFinite(last)) return null;
  const elapsed = input.now - last;
  if (elapsed * 100 >= estimate.intervalMs * input.settings.earlyReorderPct) return null;
  return {
    reason: 'EARLY_REORDER',
    usualIntervalDays: Math.max(1, Math.round(estimate.intervalMs / DAY_MS)),
    daysSinceLast: Math.max(0, Math.floor(elapsed / DAY_MS)),
  };
}
