/**
 * Who consumes order events, in one place for both deliveries (the local stack's outbox drain
 * and the order-event Lambda on the table's stream): the household, the brand statistics, the
 * webhook queue, the sweep's order timers and — in AWS — the order-event bus, which carries
 * only the events a brand must hear of (brands' own rules read it). A failing consumer fails the batch, which is delivered
 * again; each consumer de-duplicates on the event id.
 */
import { StatsCounter } from '../insight/brand-stats.ts';
import type { StatsStore } from '../insight/stats-store.ts';
import type { OrderEvent } from '../model.ts';
import { AUDIENCE } from '../notifications/notify.ts';
import type { Clock, EventSink } from '../ports.ts';
import type { WebhookStore } from '../webhooks/webhook-store.ts';
import { WebhookEnqueuer } from '../webhooks/webhooks.ts';
import { OrderTimerFiler, type OrderTimerStore } from './order-timers.ts';
import { fanOut } from './outbox.ts';

export interface OrderEventConsumers {
  household: EventSink;
  stats: StatsStore;
  webhooks: WebhookStore;
  /** Where waiting orders are filed for the sweep (the order store). */
  timers: OrderTimerStore;
  clock: Clock;
  brandBus?: EventSink;
  /** Further consumers kept from the same events (fleet health, household insight). */
  more?: EventSink[];
}

export function orderEventConsumers(c: OrderEventConsumers): EventSink {
  return fanOut([
    c.household,
    new StatsCounter(c.stats),
    new WebhookEnqueuer(c.webhooks, c.clock),
    new OrderTimerFiler(c.timers),
    ...(c.brandBus ? [forBrands(c.brandBus)] : []),
    ...(c.more ?? []),
  ]);
}

/** Passes on only the events whose audience includes the brand. */
export function forBrands(sink: EventSink): EventSink {
  return {
    async emit(events: OrderEvent[]) {
      const theirs = events.filter((event) => AUDIENCE[event.type].includes('brand'));
      if (theirs.length > 0) await sink.emit(theirs);
    },
  };
}
