/**
 * In-memory PressStore + OrderStore for unit tests. It keeps the same conditions as the
 * DynamoDB adapters (and runs the same contract suite), so a test that passes here exercises
 * the real decision logic, not a happy-path shortcut.
 */
import type { Button, Order, OrderStatus, PressLogEntry, Sku } from '../../core/model.ts';
import { parseOrderId } from '../../core/model.ts';
import { isOpen } from '../../core/orders/lifecycle.ts';
import type { OrderStore } from '../../core/orders/order-store.ts';
import type { Page, PageRequest } from '../../core/page.ts';
import type {
  Claim,
  LoadedButton,
  PressContext,
  PressStore,
  StoredPress,
} from '../../core/press/press-store.ts';
import { mergePressLog } from '../dynamo/press-log.ts';

const clone = <T>(value: T): T => structuredClone(value);

function page<T>(all: T[], request: PageRequest): Page<T> {
  const start = request.cursor ? Number(request.cursor) : 0;
  const items = all.slice(start, start + request.limit);
  const next = start + request.limit;
  return { items, cursor: next < all.length ? String(next) : undefined };
}

export class MemoryStore implements PressStore, OrderStore {
  readonly buttons = new Map<string, LoadedButton>();
  readonly skus = new Map<string, Sku>();
  readonly presses = new Map<string, StoredPress>();
  readonly rejections: PressLogEntry[] = [];
  /** The press that created each order, for the press log. */
  private readonly orderPresses = new Map<string, PressLogEntry>();

  putButton(button: Button): void {
    this.buttons.set(button.deviceId, { ...clone(button), recent: [] });
  }

  putSku(sku: Sku): void {
    this.skus.set(`${sku.brandId}#${sku.skuId}`, clone(sku));
  }

  async loadContext(deviceId: string): Promise<PressContext> {
    const button = this.buttons.get(deviceId);
    if (!button) return { button: null, sku: null };
    const skuId = button.settings.skuId;
    return {
      button: clone(button),
      sku: skuId === null ? null : await this.getSku(button.brandId, skuId),
    };
  }

  async getSku(brandId: string, skuId: string): Promise<Sku | null> {
    const sku = this.skus.get(`${brandId}#${skuId}`);
    return sku ? clone(sku) : null;
  }

  async findPress(deviceId: string, seq: number): Promise<StoredPress | null> {
    const stored = this.presses.get(`${deviceId}#${seq}`);
    return stored ? clone(stored) : null;
  }

  async claim(claim: Claim): Promise<boolean> {
    const button = this.buttons.get(claim.deviceId);
    if (!button || button.highWaterMark !== claim.readHighWaterMark) return false;
    if (claim.order && button.open.length >= claim.order.maxOpenOrders) return false;
    button.highWaterMark = claim.seq;
    button.lastPressAt = claim.at;
    button.batteryMv = claim.batteryMv;
    if (claim.order) button.open.push(clone(claim.order.snapshot));
    if (claim.acceptedPriceCents !== undefined) {
      button.settings.acceptedPriceCents = claim.acceptedPriceCents;
    }
    if (claim.recent) button.recent = clone(claim.recent);
    return true;
  }

  async createOrder(order: Order, press: PressLogEntry): Promise<boolean> {
    const key = `${order.deviceId}#${order.seq}`;
    if (this.presses.has(key)) return false;
    this.presses.set(key, { kind: 'order', order: clone(order) });
    this.orderPresses.set(key, clone(press));
    return true;
  }

  async recordPress(entry: PressLogEntry): Promise<boolean> {
    const key = `${entry.deviceId}#${entry.seq}`;
    if (this.presses.has(key)) return false;
    this.presses.set(key, { kind: 'press', entry: clone(entry) });
    return true;
  }

  async releaseSlot(deviceId: string, seq: number): Promise<void> {
    const button = this.buttons.get(deviceId);
    if (button) button.open = button.open.filter((order) => order.seq !== seq);
  }

  async recordRejection(entry: PressLogEntry): Promise<void> {
    this.rejections.push(clone(entry));
  }

  async getOrder(orderId: string): Promise<Order | null> {
    const id = parseOrderId(orderId);
    const stored = id ? this.presses.get(`${id.deviceId}#${id.seq}`) : undefined;
    return stored?.kind === 'order' ? clone(stored.order) : null;
  }

  allOrders(): Order[] {
    const orders: Order[] = [];
    for (const stored of this.presses.values()) {
      if (stored.kind === 'order') orders.push(clone(stored.order));
    }
    return orders;
  }

  async listHouseholdOrders(householdId: string, request: PageRequest): Promise<Page<Order>> {
    const orders = this.allOrders()
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
    const orders = this.allOrders()
      .filter((order) => order.brandId === brandId && order.status === status)
      .sort((a, b) => statusAt(a) - statusAt(b) || a.orderId.localeCompare(b.orderId));
    return page(orders, request);
  }

  async saveTransition(next: Order, expectedStatus: OrderStatus): Promise<boolean> {
    const stored = this.presses.get(`${next.deviceId}#${next.seq}`);
    if (stored?.kind !== 'order' || stored.order.status !== expectedStatus) return false;
    stored.order = { ...stored.order, status: next.status, history: clone(next.history) };
    stored.order.cancelDeadline = next.cancelDeadline;
    const button = this.buttons.get(next.deviceId);
    if (!button) return true;
    if (expectedStatus === 'NEEDS_CONFIRMATION' && next.status === 'PLACED') {
      if (button.settings.skuId === next.skuId) {
        button.settings.acceptedPriceCents = next.unitPriceCents;
      }
    }
    if (!isOpen(next.status)) await this.releaseSlot(next.deviceId, next.seq);
    return true;
  }

  async listDue(before: number, limit: number): Promise<Order[]> {
    return this.allOrders()
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
        for (const [key, stored] of this.presses) {
          const entry =
            stored.kind === 'press' ? stored.entry : (this.orderPresses.get(key) as PressLogEntry);
          if (entry.deviceId === deviceId)
            entries.push({ sk: `PRESS#${pad(entry.seq ?? 0)}`, entry });
        }
      } else {
        this.rejections.forEach((entry, i) => {
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
    for (const stored of this.presses.values()) {
      if (stored.kind === 'order' && stored.order.householdId === householdId) {
        stored.order.householdId = anonymousId;
        count++;
      }
    }
    return count;
  }
}
