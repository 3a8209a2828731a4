/** What each role sees of a record: the response shapes, mapped from domain records. */

import type { Button } from '../core/model.ts';
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
