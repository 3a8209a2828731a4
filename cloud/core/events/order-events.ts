/**
 * An order's history is its event log: the n-th transition is the n-th event. Events are
 * derived from the order item, so they are written in the same conditional write as the state
 * change they report and their ids are stable across redeliveries (`{orderId}/{n}`).
 */
import type { Order, OrderEvent } from '../model.ts';
import { EVENT_FOR_STATUS } from '../orders/lifecycle.ts';

/** The events of history entries `from` (0-based) onwards, oldest first. */
export function orderEventsSince(order: Order, from: number): OrderEvent[] {
  const events: OrderEvent[] = [];
  for (let index = Math.max(0, from); index < order.history.length; index++) {
    const step = order.history[index] as Order['history'][number];
    const history = order.history.slice(0, index + 1);
    events.push({
      eventId: `${order.orderId}/${index + 1}`,
      type: EVENT_FOR_STATUS[step.status],
      orderId: order.orderId,
      householdId: order.householdId,
      brandId: order.brandId,
      at: step.at,
      order: { ...order, status: step.status, history },
    });
  }
  return events;
}
