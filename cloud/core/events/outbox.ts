/**
 * The outbox: events wait on the order item itself (its history) until they are published.
 * Two sources feed one relay: in AWS the table's stream (each change arrives with the item
 * before and after), on one machine the store's list of orders with unpublished events (dynalite
 * has no streams). Delivery is at least once; every consumer de-duplicates on the event id.
 */
import type { Order } from '../model.ts';
import type { EventSink } from '../ports.ts';
import { DRAIN_BATCH, type DrainedBatch, drainAll } from './drain-batches.ts';
import { orderEventsSince } from './order-events.ts';

/** An order whose history entries from `published` on have not been published yet. */
export interface OrderChange {
  order: Order;
  published: number;
}

/** Where the local relay finds unpublished events and records what it published. */
export interface OutboxStore {
  pendingChanges(limit: number): Promise<OrderChange[]>;
  /** Marks the first `count` history entries published; a newer transition keeps the order pending. */
  markPublished(orderId: string, count: number): Promise<void>;
}

/**
 * One sink that hands every batch to all of `sinks` at once: a slow one (the webhook queue on a
 * busy store) never holds up the others. Any failure fails the batch once every sink has
 * finished, and the next drain repeats it (every consumer de-duplicates on the event id).
 */
export function fanOut(sinks: readonly EventSink[]): EventSink {
  return {
    async emit(events) {
      const outcomes = await Promise.allSettled(sinks.map((sink) => sink.emit(events)));
      const failed = outcomes.find((o): o is PromiseRejectedResult => o.status === 'rejected');
      if (failed) throw failed.reason;
    },
  };
}

export class OutboxRelay {
  constructor(private readonly sink: EventSink) {}

  /** Publishes every event the changes carry; returns how many. */
  async publish(changes: OrderChange[]): Promise<number> {
    const events = changes.flatMap((change) => orderEventsSince(change.order, change.published));
    if (events.length > 0) await this.sink.emit(events);
    return events.length;
  }

  /** Publishes and marks everything pending in the store; returns how many events went out. */
  drain(outbox: OutboxStore): Promise<number> {
    return drainAll(() => this.drainBatch(outbox));
  }

  /** Publishes and marks one batch of pending orders. */
  async drainBatch(outbox: OutboxStore): Promise<DrainedBatch> {
    const changes = await outbox.pendingChanges(DRAIN_BATCH);
    if (changes.length === 0) return { count: 0, more: false };
    const count = await this.publish(changes);
    // All at once: one at a time, a busy store kept the relay (and every consumer, the
    // webhook queue among them) seconds behind the orders.
    await Promise.all(
      changes.map((change) =>
        outbox.markPublished(change.order.orderId, change.order.history.length),
      ),
    );
    return { count, more: changes.length === DRAIN_BATCH };
  }
}
