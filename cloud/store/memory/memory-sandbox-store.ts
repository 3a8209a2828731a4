/** In-memory SandboxStore with the same behaviour as DynamoSandboxStore (same contract suite). */
import type { Order } from '../../core/model.ts';
import { parseOrderId } from '../../core/model.ts';
import type { Page, PageRequest } from '../../core/page.ts';
import type { SandboxStore } from '../../core/sandbox/sandbox-store.ts';
import { timeKey } from '../dynamo/table-keys.ts';
import { byKey, pageOf } from './memory-page.ts';
import { type MemoryTable, pressKey } from './memory-table.ts';

const placedKey = (order: Order) => `${timeKey(order.placedAt)}#${order.orderId}`;

export class MemorySandboxStore implements SandboxStore {
  constructor(private readonly table: MemoryTable) {}

  async listTestOrders(brandId: string, request: PageRequest): Promise<Page<Order>> {
    const orders = this.table.allOrders().filter((o) => o.brandId === brandId && o.test === true);
    return pageOf(`test:${brandId}`, orders.sort(byKey(placedKey)), placedKey, request, true);
  }

  async releaseTestSlots(deviceId: string): Promise<void> {
    const button = this.table.buttons.get(deviceId);
    if (!button) return;
    button.open = button.open.filter((order) => !order.test);
    if (button.test) {
      button.rhythm = {};
      this.table.reminderTimers.delete(deviceId);
    }
  }

  async deleteTestOrder(orderId: string): Promise<boolean> {
    const id = parseOrderId(orderId);
    if (!id) return false;
    const key = pressKey(id.deviceId, id.seq);
    const stored = this.table.presses.get(key);
    if (stored?.kind !== 'order' || !stored.order.test) return false;
    this.table.presses.delete(key);
    this.table.orderPresses.delete(key);
    this.table.published.delete(orderId);
    return true;
  }
}
