/** The event types a webhook endpoint can ask for (no Node APIs: the web console imports it). */
import type { OrderEventType } from '../model.ts';

export const WEBHOOK_EVENT_TYPES = [
  'order.placed',
  'order.needs_confirmation',
  'order.confirmed',
  'order.cancelled',
  'order.shipped',
  'order.delivered',
  'order.expired',
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

export function webhookTypeOf(type: OrderEventType): WebhookEventType {
  return TYPE_OF[type];
}
