/**
 * A press pipeline world with the welcome-credit delivery on top: a brand offering €4.99 on
 * its coffee, buttons claimed by households, and helpers that take an order from press to the
 * brand's delivery report as the API does.
 */
import { Catalog } from '../../../cloud/core/catalog/catalog.ts';
import { WelcomeCredits } from '../../../cloud/core/credits/welcome-credits.ts';
import type { ButtonSettings, Order } from '../../../cloud/core/model.ts';
import type { StoreUnderTest } from '../../helpers/stores.ts';
import { BRAND, button, sku, type VirtualDevice, World } from '../../helpers/world.ts';

export const CREDIT = 499;
export const BRAND_ACTOR = { kind: 'brand' as const, id: BRAND };

export class CreditWorld {
  readonly world: World;
  readonly credits: WelcomeCredits;
  private readonly devices = new Map<string, VirtualDevice>();

  constructor(readonly store: StoreUnderTest) {
    this.world = new World(store);
    this.credits = new WelcomeCredits({
      credits: store.api.credits,
      orders: store.orders,
      actions: this.world.orders,
      catalog: new Catalog(store.api.skus, this.world.clock),
      clock: this.world.clock,
    });
  }

  /** The coffee SKU with a €4.99 welcome credit, and a tea SKU without one. */
  async setUp(): Promise<void> {
    await this.store.putSku(sku());
    await this.store.putSku(sku({ skuId: 'tea', name: 'Black tea', priceCents: 699 }));
    await this.credits.offer(BRAND, 'coffee', { amount: CREDIT, currency: 'EUR' });
  }

  /** A coffee button held by `householdId` (burst folding off: every press is its own). */
  async addButton(
    deviceId: string,
    householdId: string,
    settings: Partial<ButtonSettings> = {},
  ): Promise<void> {
    await this.store.putButton({
      ...button(deviceId, { burstWindowSeconds: 0, ...settings }),
      householdId,
    });
  }

  /** The same virtual device each time, so its sequence counter keeps going. */
  device(deviceId: string): VirtualDevice {
    const device = this.devices.get(deviceId) ?? this.world.device(deviceId);
    this.devices.set(deviceId, device);
    return device;
  }

  /** Presses SINGLE and lets the sweep confirm the order; returns its id. */
  async orderConfirmed(deviceId: string): Promise<string> {
    const result = await this.device(deviceId).press('SINGLE');
    if (result.outcome !== 'ORDERED' || !result.orderId) {
      throw new Error(`press of ${deviceId} answered ${result.outcome} (${result.reason})`);
    }
    await this.confirmAll();
    return result.orderId;
  }

  async confirmAll(): Promise<void> {
    this.world.clock.advance(31 * 60_000);
    await this.world.orders.sweep();
  }

  async ship(orderId: string): Promise<void> {
    await this.world.orders.ship(orderId, BRAND_ACTOR);
  }

  deliver(orderId: string): Promise<Order> {
    return this.credits.deliver(orderId, BRAND_ACTOR);
  }

  /** Press, confirm, ship and deliver one order; returns the delivered order. */
  async orderDelivered(deviceId: string): Promise<Order> {
    const orderId = await this.orderConfirmed(deviceId);
    await this.ship(orderId);
    return this.deliver(orderId);
  }

  /** Every order in the store with its discount (null when none). */
  async discounts(): Promise<Record<string, number | null>> {
    const out: Record<string, number | null> = {};
    for (const hh of ['hh-1', 'hh-2', 'hh-3']) {
      const page = await this.store.orders.listHouseholdOrders(hh, { limit: 100 });
      for (const order of page.items) out[order.orderId] = order.discount?.amount ?? null;
    }
    return out;
  }
}
