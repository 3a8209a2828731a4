/**
 * The brand's sandbox. A brand marks buttons as test buttons, or creates virtual ones (bound to
 * a SKU, held by the brand's sandbox household, their key never leaving the cloud). A test
 * button's press goes through the one press pipeline — signed with the button's key, with the
 * next sequence number after the stored high-water mark — and the order it makes carries
 * `test: true`: listed apart (never in fulfilment or any status list), not counted in
 * statistics, never credited or notified as real, and deleted by a reset.
 */
import {
  type ClickType,
  DEVICE_ID_MAX_LENGTH,
  encodePress,
  type Sha256,
  signPress,
} from '#shared/index';
import type { Catalog } from '../catalog/catalog.ts';
import { RuleViolationError } from '../catalog/errors.ts';
import { NotFoundError } from '../errors.ts';
import type { ButtonStore } from '../fleet/button-store.ts';
import { BATTERY } from '../health/battery.ts';
import { type Button, DEFAULT_SETTINGS, type Order } from '../model.ts';
import type { Page, PageRequest } from '../page.ts';
import type { Clock, KeySource } from '../ports.ts';
import { type PressEvent, pressEventFor } from '../press/press-event.ts';
import type { PressResult } from '../press/press-service.ts';
import type { SandboxStore } from './sandbox-store.ts';

/** The press pipeline's entry (PressService in the Lambda and the local stack alike). */
export interface PressHandler {
  handle(event: PressEvent): Promise<PressResult>;
}

export interface SandboxDeps {
  buttons: ButtonStore;
  sandbox: SandboxStore;
  catalog: Catalog;
  keys: KeySource;
  presses: PressHandler;
  clock: Clock;
  sha256: Sha256;
  newId: () => string;
}

export interface SandboxPress {
  deviceId: string;
  seq: number;
  outcome: PressResult['outcome'];
  reason: PressResult['reason'];
  orderId: string | null;
  duplicate: boolean;
}

export interface ResetResult {
  ordersDeleted: number;
  buttonsReset: number;
}

const RESET_PAGE = 100;

/** The household that holds a brand's virtual test buttons (no person, no profile). */
export function sandboxHousehold(brandId: string): string {
  return `sandbox-${brandId}`;
}

export class Sandbox {
  constructor(private readonly deps: SandboxDeps) {}

  /** Marks one of the brand's buttons (real or virtual) as a test button, or a real one again. */
  async markTest(brandId: string, deviceId: string, test: boolean): Promise<Button> {
    const button = await this.brandButton(brandId, deviceId);
    if (!test && isVirtual(button)) {
      throw new RuleViolationError(
        'VIRTUAL_TEST_BUTTON',
        `${deviceId} is a virtual test button; it cannot become a real one`,
      );
    }
    if (!(await this.deps.buttons.markTest(deviceId, brandId, test))) {
      throw new NotFoundError('button', deviceId);
    }
    return this.brandButton(brandId, deviceId);
  }

  /** Registers a virtual test button bound to `skuId`, ready to order at the SKU's price. */
  async createVirtualButton(brandId: string, skuId: string, keyVersion = 1): Promise<Button> {
    const sku = await this.deps.catalog.requireBindable(brandId, skuId);
    const deviceId = `test-${this.deps.newId().replace(/[^A-Za-z0-9]/g, '')}`.slice(
      0,
      DEVICE_ID_MAX_LENGTH,
    );
    if (!(await this.deps.keys.deviceKey(deviceId, keyVersion))) {
      throw new RuleViolationError('UNKNOWN_KEY_VERSION', `key version ${keyVersion} is unknown`);
    }
    const button: Button = {
      deviceId,
      brandId,
      serial: 'VIRTUAL',
      keyVersion,
      householdId: sandboxHousehold(brandId),
      settings: { ...DEFAULT_SETTINGS, skuId, acceptedPriceCents: sku.priceCents },
      highWaterMark: 0,
      open: [],
      lastPressAt: null,
      batteryMv: null,
      createdAt: this.deps.clock.now(),
      test: true,
    };
    // No claim code: nobody can claim a virtual button.
    await this.deps.buttons.createButton(button, '');
    return button;
  }

  /** Signs a press as the firmware would and hands it to the press pipeline. */
  async press(brandId: string, deviceId: string, click: ClickType): Promise<SandboxPress> {
    const button = await this.brandButton(brandId, deviceId);
    if (!isVirtual(button)) throw new NotFoundError('test button', deviceId);
    const key = await this.deps.keys.deviceKey(deviceId, button.keyVersion);
    if (!key) {
      throw new RuleViolationError(
        'UNKNOWN_KEY_VERSION',
        `key version ${button.keyVersion} is unknown`,
      );
    }
    const seq = button.highWaterMark + 1;
    const press = signPress(this.deps.sha256, key, {
      device: deviceId,
      seq,
      click,
      // A healthy battery: the sandbox tests orders, not batteries.
      battery_mv: BATTERY.HEALTHY_MV,
      attempt: 1,
      kv: button.keyVersion,
    });
    const result = await this.deps.presses.handle(
      pressEventFor(deviceId, encodePress(press), this.deps.clock.now()),
    );
    return {
      deviceId,
      seq,
      outcome: result.outcome,
      reason: result.reason,
      orderId: result.orderId,
      duplicate: result.duplicate,
    };
  }

  listTestOrders(brandId: string, page: PageRequest): Promise<Page<Order>> {
    return this.deps.sandbox.listTestOrders(brandId, page);
  }

  /**
   * Deletes the brand's test orders, freeing their buttons' slots first: a reset that dies
   * half-way leaves orders to delete on the next run, never a button blocked by an order that
   * no longer exists.
   */
  async reset(brandId: string): Promise<ResetResult> {
    const orders: Order[] = [];
    let cursor: string | undefined;
    do {
      const page = await this.deps.sandbox.listTestOrders(brandId, { limit: RESET_PAGE, cursor });
      orders.push(...page.items);
      cursor = page.cursor;
    } while (cursor);
    const devices = [...new Set(orders.map((order) => order.deviceId))];
    for (const deviceId of devices) await this.deps.sandbox.releaseTestSlots(deviceId);
    let ordersDeleted = 0;
    for (const order of orders) {
      if (await this.deps.sandbox.deleteTestOrder(order.orderId)) ordersDeleted++;
    }
    return { ordersDeleted, buttonsReset: devices.length };
  }

  private async brandButton(brandId: string, deviceId: string): Promise<Button> {
    const button = await this.deps.buttons.getButton(deviceId);
    if (!button || button.brandId !== brandId) throw new NotFoundError('button', deviceId);
    return button;
  }
}

function isVirtual(button: Button): boolean {
  return button.test === true && button.householdId === sandboxHousehold(button.brandId);
}
