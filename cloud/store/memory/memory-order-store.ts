/** OrderStore on the MemoryTable, with the same conditions as DynamoOrderStore. */
import type { OrderTimer } from '../../core/events/order-timers.ts';
import type { OpenOrderRef } from '../../core/guard/guard.ts';
import type { Order, OrderGuard, OrderStatus, PressLogEntry } from '../../core/model.ts';
import { parseOrderId } from '../../core/model.ts';
import { isWaiting } from '../../core/orders/lifecycle.ts';
import type { OrderStore } from '../../core/orders/order-store.ts';
import { CANCELLABLE_BY_SUPPORT, isFlaggedForSupport } from '../../core/orders/support-queue.ts';
import type { Page, PageRequest } from '../../core/page.ts';
import { committedPressEntry } from '../../core/press/press-store.ts';
import { timeKey } from '../dynamo/table-keys.ts';
import { mergePressLog } from '../press-log.ts';
import { byKey, pageOf } from './memory-page.ts';
import { releaseSlot } from './memory-press-store.ts';
import { clone, type MemoryTable, pressKey } from './memory-table.ts';

/** In the household index: test orders from the start, others once they changed status. */
const isIndexed = (order: Order) => order.test === true || order.history.length > 1;
const timerKey = (timer: OrderTimer) => `${timeKey(timer.due)}#${timer.eventId}`;

/** The index sort keys: by time, then order id, as the DynamoDB indexes sort them. */
const placedKey = (order: Order) => `${timeKey(order.placedAt)}#${order.orderId}`;
const statusKey = (order: Order) =>
  `${timeKey(order.history[order.history.length - 1]?.at ?? order.placedAt)}#${order.orderId}`;

export class MemoryOrderStore implements OrderStore {
  constructor(private readonly table: MemoryTable) {}

  async getOrder(orderId: string): Promise<Order | null> {
    const id = parseOrderId(orderId);
    if (!id) return null;
    const stored = this.table.presses.get(pressKey(id.deviceId, id.seq));
    if (stored) return stored.kind === 'order' ? clone(stored.order) : null;
    // Committed on the button, its item not written yet (it follows the ack).
    const open = this.table.buttons.get(id.deviceId)?.open.find((order) => order.seq === id.seq);
    return open ? clone(open) : null;
  }

  /** As DynamoDB pages its index, with the orders not in it yet on the first page. */
  async listHouseholdOrders(householdId: string, request: PageRequest): Promise<Page<Order>> {
    const orders = this.table.allOrders().filter((order) => order.householdId === householdId);
    const indexed = orders.filter(isIndexed).sort(byKey(placedKey));
    const page = pageOf(`hh:${householdId}`, indexed, placedKey, request, true);
    if (request.cursor) return page;
    const waiting = orders.filter((order) => !isIndexed(order));
    return { ...page, items: [...waiting, ...page.items].sort(byKey(placedKey)).reverse() };
  }

  async listBrandOrders(
    brandId: string,
    status: OrderStatus,
    request: PageRequest,
  ): Promise<Page<Order>> {
    if (isWaiting(status)) return { items: [] };
    const orders = this.table
      .allOrders()
      .filter((order) => order.brandId === brandId && order.status === status && !order.test);
    return pageOf(`brand:${brandId}#${status}`, orders.sort(byKey(statusKey)), statusKey, request);
  }

  async listFlagged(request: PageRequest): Promise<Page<Order>> {
    const orders = this.table.allOrders().filter(isFlaggedForSupport);
    return pageOf('flagged', orders.sort(byKey(placedKey)), placedKey, request);
  }

  async flagOrder(order: OpenOrderRef, guard: OrderGuard): Promise<boolean> {
    const id = parseOrderId(order.orderId);
    const stored = id ? this.table.presses.get(pressKey(id.deviceId, id.seq)) : undefined;
    if (stored?.kind !== 'order' || stored.order.guard) return false;
    if (!CANCELLABLE_BY_SUPPORT.includes(stored.order.status)) return false;
    stored.order = { ...stored.order, guard: clone(guard) };
    return true;
  }

  async saveTransition(next: Order, expectedStatus: OrderStatus): Promise<boolean> {
    const key = pressKey(next.deviceId, next.seq);
    if (!this.table.presses.has(key)) {
      // Committed on its button, its item not written yet: the transition writes it whole.
      const open = this.table.buttons.get(next.deviceId)?.open.find((o) => o.seq === next.seq);
      if (!open || open.status !== expectedStatus) return false;
      this.table.presses.set(key, { kind: 'order', order: clone(next) });
      this.table.orderPresses.set(key, committedPressEntry(next));
      return true;
    }
    const stored = this.table.presses.get(key);
    if (stored?.kind !== 'order' || stored.order.status !== expectedStatus) return false;
    stored.order = { ...stored.order, status: next.status, history: clone(next.history) };
    stored.order.cancelDeadline = next.cancelDeadline;
    if (next.discount) stored.order.discount = clone(next.discount);
    return true;
  }

  async releaseSlot(order: Order): Promise<void> {
    releaseSlot(this.table, order);
  }

  async acceptPrice(deviceId: string, skuId: string, priceCents: number): Promise<void> {
    const button = this.table.buttons.get(deviceId);
    if (button?.settings.skuId === skuId) button.settings.acceptedPriceCents = priceCents;
  }

  async fileTimers(timers: OrderTimer[]): Promise<void> {
    for (const timer of timers) this.table.orderTimers.set(timerKey(timer), clone(timer));
  }

  async dueTimers(before: number, limit: number): Promise<OrderTimer[]> {
    return [...this.table.orderTimers.entries()]
      .filter(([, timer]) => timer.due <= before)
      .sort(([a], [b]) => (a < b ? -1 : 1))
      .slice(0, limit)
      .map(([, timer]) => clone(timer));
  }

  async removeTimer(timer: OrderTimer): Promise<void> {
    this.table.orderTimers.delete(timerKey(timer));
  }

  /** No memory table predates order timers. */
  async listDue(): Promise<Order[]> {
    return [];
  }

  pressLog(deviceId: string, request: PageRequest): Promise<Page<PressLogEntry>> {
    const pad = (n: number) => String(n).padStart(13, '0');
    const rows = (range: 'PRESS#' | 'REJ#') => {
      const entries: { sk: string; entry: PressLogEntry }[] = [];
      if (range === 'PRESS#') {
        for (const [key, stored] of this.table.presses) {
          const entry =
            stored.kind === 'press'
              ? stored.entry
              : (this.table.orderPresses.get(key) as PressLogEntry);
          if (entry.deviceId === deviceId)
            entries.push({ sk: `PRESS#${pad(entry.seq ?? 0)}`, entry });
        }
      } else {
        this.table.rejections.forEach((entry, i) => {
          if (entry.deviceId === deviceId) {
            entries.push({ sk: `REJ#${pad(entry.receivedAt)}#${pad(i)}`, entry });
          }
        });
      }
      return entries.sort((a, b) => b.sk.localeCompare(a.sk));
    };
    return mergePressLog(request, async (range, after, limit) =>
      rows(range)
        .filter((row) => after === undefined || row.sk < after)
        .slice(0, limit)
        .map((row) => ({ sk: row.sk, entry: clone(row.entry) })),
    );
  }

  async anonymiseHouseholdOrders(householdId: string, anonymousId: string): Promise<number> {
    let count = 0;
    for (const stored of this.table.presses.values()) {
      if (stored.kind === 'order' && stored.order.householdId === householdId) {
        stored.order.householdId = anonymousId;
        count++;
      }
    }
    return count;
  }
}
