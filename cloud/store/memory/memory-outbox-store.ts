/** OutboxStore on the MemoryTable: orders whose history is longer than what was published. */
import type { OrderChange, OutboxStore } from '../../core/events/outbox.ts';
import { parseOrderId } from '../../core/model.ts';
import { type MemoryTable, pressKey } from './memory-table.ts';

export class MemoryOutboxStore implements OutboxStore {
  constructor(private readonly table: MemoryTable) {}

  async pendingChanges(limit: number): Promise<OrderChange[]> {
    return this.table
      .allOrders()
      .map((order) => ({ order, published: this.table.published.get(order.orderId) ?? 0 }))
      .filter((change) => change.published < change.order.history.length)
      .slice(0, limit);
  }

  async markPublished(orderId: string, count: number): Promise<void> {
    const id = parseOrderId(orderId);
    const stored = id && this.table.presses.get(pressKey(id.deviceId, id.seq));
    // As on DynamoDB: a transition since the relay read the order keeps it pending, with what
    // was published recorded.
    if (stored?.kind === 'order' && stored.order.history.length >= count) {
      this.table.published.set(orderId, Math.max(count, this.table.published.get(orderId) ?? 0));
    }
  }
}
