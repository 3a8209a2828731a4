/**
 * Order timers: how the sweep finds the orders whose cancel window (or confirmation period)
 * has ended without an index entry per order. This consumer files each delivered batch's
 * OrderPlaced and OrderNeedsConfirmation events as one timer per deadline minute, holding a
 * reference to each order; the sweep reads the timers that are due, applies each order's
 * transition (conditional on its status, so an order that moved on is skipped) and removes a
 * timer once all its orders are handled. A timer's key is derived from the events it holds
 * (deadline, first event id, a digest of every event id), so a redelivered batch writes the same
 * timers again and a batch redelivered in other company writes other ones, which the
 * conditional transitions make harmless; never one that replaces a timer holding other orders.
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
  /** The first event it was filed from and a digest of all of them: with `due`, its identity. */
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
  const byMinute = new Map<number, { timer: OrderTimer; eventIds: string[] }>();
  for (const event of events) {
    if (!TIMED_EVENTS.includes(event.type)) continue;
    const { deviceId, seq, cancelDeadline: deadline } = event.order;
    const minute = Math.floor(deadline / MINUTE_MS);
    const filed = byMinute.get(minute);
    if (filed) {
      filed.timer.refs.push({ deviceId, seq, deadline });
      filed.timer.due = Math.max(filed.timer.due, deadline);
      filed.eventIds.push(event.eventId);
    } else {
      byMinute.set(minute, {
        timer: { due: deadline, eventId: event.eventId, refs: [{ deviceId, seq, deadline }] },
        eventIds: [event.eventId],
      });
    }
  }
  return [...byMinute.values()].map(({ timer, eventIds }) => ({
    ...timer,
    eventId: `${timer.eventId}~${digest(eventIds)}`,
  }));
}

/** FNV-1a of the event ids: tells timers apart that share their first event, not a secret. */
function digest(eventIds: readonly string[]): string {
  let hash = 0x811c9dc5;
  for (const char of eventIds.join('\n')) {
    hash ^= char.charCodeAt(0);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return `${eventIds.length}.${hash.toString(16).padStart(8, '0')}`;
}

/** The order-event consumer that files waiting orders for the sweep. */
export class OrderTimerFiler implements EventSink {
  constructor(private readonly store: OrderTimerStore) {}

  async emit(events: OrderEvent[]): Promise<void> {
    const timers = timersFor(events);
    if (timers.length > 0) await this.store.fileTimers(timers);
  }
}
