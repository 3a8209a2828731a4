/** The event types a webhook endpoint can ask for (no Node APIs: the web console imports it). */
import type { ButtonEventType } from '../events/button-events.ts';
import type { OrderEventType } from '../model.ts';

export const WEBHOOK_EVENT_TYPES = [
  'order.placed',
  'order.needs_confirmation',
  'order.confirmed',
  'order.cancelled',
  'order.shipped',
  'order.delivered',
  'order.expired',
  'button.claimed',
  'button.released',
  'button.low_battery',
  'button.silent',
] as const;
export type WebhookEventType = (typeof WEBHOOK_EVENT_TYPES)[number];

const TYPE_OF: Record<OrderEventType, WebhookEventType> = {
  OrderPlaced: 'order.placed',
  OrderNeedsConfirmation: 'order.needs_confirmation',
  OrderConfirmed: 'order.confirmed',
  OrderCancelled: 'order.cancelled',
  OrderShipped: 'order.shipped',
  OrderDelivered: 'order.delivered',
  OrderExpired: 'order.expired',
};

const BUTTON_TYPE_OF: Record<ButtonEventType, WebhookEventType> = {
  ButtonClaimed: 'button.claimed',
  ButtonReleased: 'button.released',
  ButtonLowBattery: 'button.low_battery',
  ButtonSilent: 'button.silent',
};

export function webhookTypeOf(type: OrderEventType | ButtonEventType): WebhookEventType {
  return type in TYPE_OF
    ? TYPE_OF[type as OrderEventType]
    : BUTTON_TYPE_OF[type as ButtonEventType];
}
