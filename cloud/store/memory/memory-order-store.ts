/** OrderStore on the MemoryTable, with the same conditions as DynamoOrderStore. */
import type { Order, OrderStatus, PressLogEntry } from '../../core/model.ts';
import { parseOrderId } from '../../core/model.ts';
import { isOpen } from '../../core/orders/lifecycle.ts';
import type { OrderStore } from '../../core/orders/order-store.ts';
import { isFlaggedForSupport } from '../../core/orders/support-queue.ts';
import type { Page, PageRequest } from '../../core/page.ts';
import { mergePressLog } from '../dynamo/press-log.ts';
import { releaseSlot } from './memory-press-store.ts';
import { clone, type MemoryTable, pressKey } from './memory-table.ts';

function page<T>(all: T[], request: PageRequest): Page<T> {
  const start = request.cursor ? Number(request.cursor) : 0;
  const items = all.slice(start, start + request.limit);
  const next = start + request.limit;
  return { items, cursor: next < all.length ? String(next) : undefined };
}

export class MemoryOrderStore implements OrderStore {
  constructor(private readonly table: MemoryTable) {}

  async getOrder(orderId: string): Promise<Order | null> {
    const id = parseOrderId(orderId);
    const stored = id ? this.table.presses.get(pressKey(id.deviceId, id.seq)) : undefined;
    return stored?.kind === 'order' ? clone(stored.order) : null;
  }

  async listHouseholdOrders(householdId: string, request: PageRequest): Promise<Page<Order>> {
    const orders = this.table
      .allOrders()
      .filter((order) => order.householdId === householdId)
      .sort((a, b) => b.placedAt - a.placedAt || b.orderId.localeCompare(a.orderId));
    return page(orders, request);
  }

  async listBrandOrders(
    brandId: string,
    status: OrderStatus,
    request: PageRequest,
  ): Promise<Page<Order>> {
    const statusAt = (order: Order) => order.history[order.history.length - 1]?.at ?? 0;
    const orders = this.table
      .allOrders()
      .filter((order) => order.brandId === brandId && order.status === status)
      .sort((a, b) => statusAt(a) - statusAt(b) || a.orderId.localeCompare(b.orderId));
    return page(orders, request);
  }

  async listFlagged(request: PageRequest): Promise<Page<Order>> {
    const orders = this.table
      .allOrders()
      .filter(isFlaggedForSupport)
      .sort((a, b) => a.placedAt - b.placedAt || a.orderId.localeCompare(b.orderId));
    return page(orders, request);
  }

  async saveTransition(next: Order, expectedStatus: OrderStatus): Promise<boolean> {
    const stored = this.table.presses.get(pressKey(next.deviceId, next.seq));
    if (stored?.kind !== 'order' || stored.order.status !== expectedStatus) return false;
    stored.order = { ...stored.order, status: next.status, history: clone(next.history) };
    stored.order.cancelDeadline = next.cancelDeadline;
    const button = this.table.buttons.get(next.deviceId);
    if (!button) return true;
    if (expectedStatus === 'NEEDS_CONFIRMATION' && next.status === 'PLACED') {
      if (button.settings.skuId === next.skuId) {
        button.settings.acceptedPriceCents = next.unitPriceCents;
      }
    }
    if (!isOpen(next.status)) releaseSlot(this.table, next);
    return true;
  }

  async listDue(before: number, limit: number): Promise<Order[]> {
    return this.table
      .allOrders()
      .filter(
        (order) =>
          (order.status === 'PLACED' || order.status === 'NEEDS_CONFIRMATION') &&
          order.cancelDeadline <= before,
      )
      .sort((a, b) => a.cancelDeadline - b.cancelDeadline || a.orderId.localeCompare(b.orderId))
      .slice(0, limit);
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
