/** What each role sees of a record: the response shapes, mapped from domain records. */
import { DAY_MS, nextNeedAt } from '../core/guard/rhythm.ts';
import type { Button, Sku } from '../core/model.ts';
import type { Subscription } from '../core/notifications/subscriptions.ts';

export function buttonView(button: Button) {
  return {
    deviceId: button.deviceId,
    brandId: button.brandId,
    serial: button.serial,
    keyVersion: button.keyVersion,
    claimed: button.householdId !== null,
    settings: button.settings,
    openOrders: button.open.map(({ orderId, status }) => ({ orderId, status })),
    lastPressAt: button.lastPressAt,
    batteryMv: button.batteryMv,
    createdAt: button.createdAt,
    test: button.test === true,
  };
}

export function supportButtonView(button: Button) {
  return {
    ...buttonView(button),
    householdId: button.householdId,
    highWaterMark: button.highWaterMark,
  };
}

/** A subscription as the household sees it: no channel reference. */
export function subscriptionView({
  reference: _reference,
  householdId: _household,
  ...view
}: Subscription) {
  return view;
}

/**
 * The household's own view adds what was learned from its orders: the rhythm and the next-need
 * hint (brands and support never get these). `sku` is the bound SKU, for the brand's default.
 */
export function householdButtonView(button: Button, sku: Sku | null) {
  const skuId = button.settings.skuId;
  const learned =
    button.settings.learnRhythm && skuId !== null ? button.rhythm?.[skuId] : undefined;
  const hint = button.settings.learnRhythm
    ? nextNeedAt(learned, sku?.usualIntervalDays ?? null)
    : null;
  return {
    ...buttonView(button),
    rhythm: button.rhythm ?? {},
    nextNeed: hint && {
      usualIntervalDays: Math.max(1, Math.round(hint.estimate.intervalMs / DAY_MS)),
      basis: hint.estimate.basis,
      lastOrderAt: hint.lastOrderAt,
      nextAt: hint.nextAt,
    },
  };
}
