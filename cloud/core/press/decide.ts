/**
 * What an accepted, fresh press should do, decided from the button (with the household's rhythm
 * on it) and its SKU alone.
 * Pure: the service applies the decision with one conditional claim on the button.
 */
import type { Press } from '#shared/index';
import { guardPress, type OpenOrderRef, repeatedOrder } from '../guard/guard.ts';
import type { GuardReason, Order, PressTelemetry, Sku } from '../model.ts';
import { orderIdFor } from '../model.ts';
import type { LoadedButton } from './press-store.ts';

/** How long an order awaiting the household's confirmation stays open before it expires. */
export const CONFIRMATION_WINDOW_MS = 24 * 60 * 60 * 1000;

export type Decision =
  | { kind: 'order'; order: Order; acceptedPriceCents?: number | undefined }
  | { kind: 'cancel' }
  | {
      kind: 'answer';
      outcome: 'IN_PROGRESS' | 'OUT_OF_STOCK' | 'UNBOUND' | 'REJECTED';
      reason?: GuardReason;
      /** For a burst: the open order the press repeats, to flag for support. */
      flag?: OpenOrderRef;
    };

/**
 * The press's battery and versions, carried on the order so its events feed fleet health, and
 * a DOUBLE click (SINGLE when absent), so the press record the commit relay writes keeps it: the
 * order rides on the button item, whose size is billed with every claim.
 */
export function telemetryOf(press: Press): PressTelemetry {
  return {
    batteryMv: press.battery_mv,
    keyVersion: press.kv,
    ...(press.fw === undefined ? {} : { firmware: press.fw }),
    ...(press.click === 'DOUBLE' ? { click: press.click } : {}),
  };
}

/** True when `price` exceeds the accepted price by more than the allowed percentage. */
export function exceedsPriceLimit(price: number, accepted: number, limitPct: number): boolean {
  return price * 100 > accepted * (100 + limitPct);
}

/**
 * SINGLE orders the bound SKU; DOUBLE runs the second action (another SKU or quantity of the
 * same brand); LONG cancels the latest cancellable order. `sku` must be the SKU the click
 * orders (the service loads the second action's SKU for DOUBLE).
 */
export function decide(button: LoadedButton, sku: Sku | null, press: Press, now: number): Decision {
  if (press.click === 'LONG') return { kind: 'cancel' };
  const settings = button.settings;
  const action =
    press.click === 'DOUBLE'
      ? settings.secondAction
      : settings.skuId === null
        ? null
        : { skuId: settings.skuId, quantity: settings.quantity };
  if (button.householdId === null || action === null) return { kind: 'answer', outcome: 'UNBOUND' };
  if (sku === null || sku.retired || sku.skuId !== action.skuId || sku.brandId !== button.brandId) {
    return { kind: 'answer', outcome: 'UNBOUND' };
  }
  if (!sku.inStock) return { kind: 'answer', outcome: 'OUT_OF_STOCK' };
  if (button.open.length >= settings.maxOpenOrders) {
    // A full button pressed again within the burst window: the same intent, shown to support.
    const repeats = repeatedOrder(settings, button.open, now);
    return repeats
      ? { kind: 'answer', outcome: 'IN_PROGRESS', reason: 'BURST', flag: repeats }
      : { kind: 'answer', outcome: 'IN_PROGRESS' };
  }
  const verdict = guardPress({
    settings,
    skuId: sku.skuId,
    rhythm: button.rhythm[sku.skuId],
    brandDefaultDays: sku.usualIntervalDays ?? null,
    open: button.open,
    now,
  });
  if (verdict.kind === 'disabled')
    return { kind: 'answer', outcome: 'REJECTED', reason: 'CHILD_LOCK' };
  if (verdict.kind === 'burst') {
    return { kind: 'answer', outcome: 'IN_PROGRESS', reason: 'BURST', flag: verdict.repeats };
  }

  // The accepted price belongs to the bound SKU; a second action of another SKU has none yet.
  const isPrimary = action.skuId === settings.skuId;
  const accepted = isPrimary ? settings.acceptedPriceCents : null;
  const priceNeedsConfirmation =
    accepted === null
      ? settings.confirmFirstOrder
      : exceedsPriceLimit(sku.priceCents, accepted, settings.priceIncreaseLimitPct);
  const needsConfirmation = priceNeedsConfirmation || verdict.kind === 'confirm';
  const status = needsConfirmation ? 'NEEDS_CONFIRMATION' : 'PLACED';
  const deadline = needsConfirmation
    ? now + CONFIRMATION_WINDOW_MS
    : now + settings.cancelWindowMinutes * 60_000;
  const order: Order = {
    orderId: orderIdFor(button.deviceId, press.seq),
    deviceId: button.deviceId,
    seq: press.seq,
    householdId: button.householdId,
    brandId: button.brandId,
    skuId: sku.skuId,
    skuName: sku.name,
    quantity: Math.min(action.quantity, sku.maxQuantity),
    unitPriceCents: sku.priceCents,
    currency: sku.currency,
    acceptedPriceCents: accepted,
    status,
    placedAt: now,
    cancelWindowMinutes: settings.cancelWindowMinutes,
    cancelDeadline: deadline,
    history: [{ status, at: now, actor: { kind: 'device', id: button.deviceId } }],
    guard: verdict.kind === 'confirm' || verdict.kind === 'flag' ? verdict.guard : null,
    press: telemetryOf(press),
    ...(button.test ? { test: true } : {}),
  };
  const firstAcceptance = isPrimary && accepted === null && !needsConfirmation;
  return { kind: 'order', order, acceptedPriceCents: firstAcceptance ? sku.priceCents : undefined };
}
