/**
 * Order timers: how the sweep finds the orders whose cancel window (or confirmation period)
 * has ended without an index entry per order. This consumer files each delivered batch's
 * OrderPlaced and OrderNeedsConfirmation events as one timer per deadline minute, holding a
 * reference to each order; the sweep reads the timers that are due, applies each order's
 * transition (conditional on its status, so an order that moved on is skipped) and removes a
 * timer once all its orders are handled. A timer's key is derived from its batch (first event
 * id, deadline), so a redelivered batch writes the same timers again; a batch redelivered in
 * other company writes duplicates, which the conditional transitions make harmless.
 */
import type { OrderEvent } from '../model.ts';
import type { EventSink } from '../ports.ts';

/** One order a timer waits for, by its key (the order id is `{deviceId}-{seq}`). */
export interface TimerRef {
  deviceId: string;
  seq: number;
  /** The order's deadline when the event was written. */
  deadline: number;
}

export interface OrderTimer {
  /** When every order it holds is due: the latest of their deadlines. */
  due: number;
  /** The first event it was filed from: with `due`, its identity. */
  eventId: string;
  refs: TimerRef[];
}

/** Where timers are kept (the order store); `fileTimers` overwrites a timer of the same key. */
export interface OrderTimerStore {
  fileTimers(timers: OrderTimer[]): Promise<void>;
}

const MINUTE_MS = 60_000;
const TIMED_EVENTS: readonly OrderEvent['type'][] = ['OrderPlaced', 'OrderNeedsConfirmation'];

/** The timers for one batch of events: one per deadline minute, in event order. */
export function timersFor(events: readonly OrderEvent[]): OrderTimer[] {
  const byMinute = new Map<number, OrderTimer>();
  for (const event of events) {
    if (!TIMED_EVENTS.includes(event.type)) continue;
    const { deviceId, seq, cancelDeadline: deadline } = event.order;
    const minute = Math.floor(deadline / MINUTE_MS);
    const timer = byMinute.get(minute);
    if (timer) {
      timer.refs.push({ deviceId, seq, deadline });
      timer.due = Math.max(timer.due, deadline);
    } else {
      byMinute.set(minute, {
        due: deadline,
        eventId: event.eventId,
        refs: [{ deviceId, seq, deadline }],
      });
    }
  }
  return [...byMinute.values()];
}

/** The order-event consumer that files waiting orders for the sweep. */
export class OrderTimerFiler implements EventSink {
  constructor(private readonly store: OrderTimerStore) {}

  async emit(events: OrderEvent[]): Promise<void> {
    const timers = timersFor(events);
    if (timers.length > 0) await this.store.fileTimers(timers);
  }
}
