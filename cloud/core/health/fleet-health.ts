/**
 * Fleet health, kept from events rather than read from presses: each order's first event
 * carries the battery and versions of the press that made it (the press path makes no extra
 * store call), claim and release events start and stop the silence watch, and the sweep looks
 * only at the records whose check time has come (a due-time index, never all buttons).
 *
 * Each change is one conditional write on the button's health record; the button event it
 * causes (low battery, silent) is written first under an id derived from the change, so a
 * crash between the two is repaired by the retry without a second event.
 */

import type { SkuStore } from '../catalog/sku-store.ts';
import { RestockError } from '../errors.ts';
import {
  type ButtonEvent,
  type ButtonEventSink,
  type ButtonEventStore,
  buttonEventId,
} from '../events/button-events.ts';
import { inOrderPerKey } from '../events/in-order-per-key.ts';
import type { ButtonStore } from '../fleet/button-store.ts';
import type { OrderEvent } from '../model.ts';
import type { PageRequest } from '../page.ts';
import type { Clock, EventSink, Log } from '../ports.ts';
import { estimateBattery } from './battery.ts';
import {
  afterClaim,
  afterPress,
  afterRelease,
  type ButtonHealth,
  type HealthView,
  healthView,
  lastActiveAt,
  needsReplacing,
  newHealth,
  SILENT,
  silentAfterDays,
  startsLowBattery,
} from './button-health.ts';
import type { HealthKey, HealthStore, StoredHealth } from './health-store.ts';

const DAY_MS = 86_400_000;
const MAX_RACES = 20;
const SWEEP_BATCH = 100;
/** Batches one sweep looks at at most (an index that lags the table cannot keep it going). */
const SWEEP_MAX_BATCHES = 20;

/** A health record kept changing under every attempt; the event is retried as a whole. */
export class HealthContentionError extends RestockError {
  override readonly name = 'HealthContentionError';
  constructor(deviceId: string) {
    super('HEALTH_CONTENTION', `health of ${deviceId} could not be updated`, {
      details: { deviceId },
    });
  }
}

type Change = (health: ButtonHealth) => { next: ButtonHealth; event?: ButtonEvent } | null;

export interface FleetHealthPage {
  buttons: HealthView[];
  /** Device ids on this page whose button should be replaced soon. */
  replaceSoon: string[];
  cursor?: string | undefined;
}

export interface HealthSweepResult {
  checked: number;
  silent: number;
}

/** The stores fleet health reads and writes (the API's stores satisfy it). */
export interface FleetHealthStores {
  health: HealthStore;
  buttonEvents: ButtonEventStore;
  buttons: ButtonStore;
  skus: SkuStore;
}

export class FleetHealth implements EventSink, ButtonEventSink {
  private readonly deps: FleetHealthStores & { clock: Clock; log: Log };

  constructor(stores: FleetHealthStores, clock: Clock, log: Log) {
    this.deps = { ...pick(stores), clock, log };
  }

  /**
   * Order events: the first event of each order is its press (battery, versions, time). The
   * records of the batch's buttons are read in one call; each button's first change starts from
   * that read, and only a lost race or a further order of the same button reads again.
   */
  async emit(events: OrderEvent[]): Promise<void> {
    const placed = events.filter((e) => e.order.history.length === 1 && e.order.press);
    if (placed.length === 0) return;
    const buttons = [
      ...new Map(
        placed.map(({ order: { brandId, deviceId } }) => [
          healthId({ brandId, deviceId }),
          { brandId, deviceId },
        ]),
      ).values(),
    ];
    const read = await this.deps.health.getHealthMany(buttons);
    const readOf = new Map(buttons.map((b, i) => [healthId(b), read[i] ?? null]));
    await inOrderPerKey(
      placed,
      (e) => e.order.deviceId,
      (event, index) =>
        this.afterOrder(event, index === 0 ? readOf.get(healthId(event.order)) : undefined),
    );
  }

  /** `read`: the record as the batch read found it (undefined: read it now). */
  private async afterOrder(
    event: OrderEvent,
    read: StoredHealth | null | undefined,
  ): Promise<void> {
    const { order } = event;
    if (!order.press) return;
    const press = {
      seq: order.seq,
      at: order.placedAt,
      batteryMv: order.press.batteryMv,
      keyVersion: order.press.keyVersion,
      firmware: order.press.firmware ?? null,
      skuId: order.skuId,
    };
    await this.change(order.brandId, order.deviceId, read, (health) => {
      const next = afterPress(health, press);
      if (!startsLowBattery(next)) return { next };
      const newest = next.samples[next.samples.length - 1];
      const estimate = estimateBattery(next.samples);
      next.lowBatterySince = order.placedAt;
      return {
        next,
        event: {
          eventId: buttonEventId(order.deviceId, 'low_battery', newest?.seq ?? order.seq),
          type: 'ButtonLowBattery',
          deviceId: order.deviceId,
          brandId: order.brandId,
          householdKey: null,
          at: order.placedAt,
          data: {
            skuId: next.skuId,
            batteryMv: estimate.batteryMv,
            pressesLeft: estimate.pressesLeft,
            daysLeft: estimate.daysLeft,
          },
        },
      };
    });
  }

  async emitButtonEvents(events: ButtonEvent[]): Promise<void> {
    for (const event of events) {
      if (event.type === 'ButtonClaimed') {
        await this.change(event.brandId, event.deviceId, undefined, (health) => ({
          next: afterClaim(health, event.at, event.data.keyVersion ?? null),
        }));
      } else if (event.type === 'ButtonReleased') {
        await this.change(event.brandId, event.deviceId, undefined, (health) => ({
          next: afterRelease(health),
        }));
      }
    }
  }

  /** Looks at every record whose check is due: silent now, still fine, or pressed again. */
  async sweep(): Promise<HealthSweepResult> {
    const result: HealthSweepResult = { checked: 0, silent: 0 };
    for (let batch = 0; batch < SWEEP_MAX_BATCHES; batch++) {
      const now = this.deps.clock.now();
      const due = await this.deps.health.dueHealth(now, SWEEP_BATCH);
      for (const record of due) {
        result.checked++;
        if (await this.checkSilence(record, now)) result.silent++;
      }
      if (due.length < SWEEP_BATCH) break;
    }
    return result;
  }

  async page(brandId: string, page: PageRequest): Promise<FleetHealthPage> {
    const now = this.deps.clock.now();
    const found = await this.deps.health.listHealth(brandId, page);
    const buttons = found.items.map((health) => healthView(health, now));
    return {
      buttons,
      replaceSoon: buttons.filter(needsReplacing).map((b) => b.deviceId),
      cursor: found.cursor,
    };
  }

  private async checkSilence(record: ButtonHealth, now: number): Promise<boolean> {
    const button = await this.deps.buttons.getButton(record.deviceId);
    if (!button || button.householdId === null) {
      await this.change(record.brandId, record.deviceId, undefined, (health) => ({
        next: afterRelease(health),
      }));
      return false;
    }
    const sku =
      button.settings.skuId === null
        ? null
        : await this.deps.skus.getSku(button.brandId, button.settings.skuId);
    let silent = false;
    await this.change(record.brandId, record.deviceId, undefined, (health) => {
      silent = false;
      if (health.checkAt === null || health.checkAt > now) return null;
      // The button item sees every press, also those that made no order.
      const seen = {
        ...health,
        lastPressAt: maxOf(health.lastPressAt, button.lastPressAt),
        firmware: button.firmware ?? health.firmware,
      };
      const active = lastActiveAt(seen) ?? now;
      if (seen.silentSince !== null) {
        const pressedAgain = active > seen.silentSince;
        return {
          next: pressedAgain
            ? { ...seen, silentSince: null, checkAt: now }
            : { ...seen, checkAt: now + SILENT.RECHECK_MS },
        };
      }
      const after = silentAfterDays(seen, sku?.usualIntervalDays ?? null) * DAY_MS;
      if (now < active + after) return { next: { ...seen, checkAt: active + after } };
      silent = true;
      return {
        next: { ...seen, silentSince: active, checkAt: now + SILENT.RECHECK_MS },
        event: {
          eventId: buttonEventId(seen.deviceId, 'silent', active),
          type: 'ButtonSilent',
          deviceId: seen.deviceId,
          brandId: seen.brandId,
          householdKey: null,
          at: now,
          data: {
            skuId: seen.skuId,
            lastPressAt: seen.lastPressAt,
            silentSinceDays: Math.floor((now - active) / DAY_MS),
            batteryMv: estimateBattery(seen.samples).batteryMv,
          },
        },
      };
    });
    if (silent) this.deps.log.info('button silent', { deviceId: record.deviceId });
    return silent;
  }

  /**
   * Reads, changes and writes one record under its version; the event goes first. `read`, when
   * given, stands in for the first read (a lost race reads again).
   */
  private async change(
    brandId: string,
    deviceId: string,
    read: StoredHealth | null | undefined,
    change: Change,
  ): Promise<void> {
    for (let race = 0; race < MAX_RACES; race++) {
      const stored =
        race === 0 && read !== undefined
          ? read
          : await this.deps.health.getHealth(brandId, deviceId);
      const current = stored?.health ?? newHealth(deviceId, brandId);
      const changed = change(current);
      if (!changed || same(changed.next, current)) return;
      if (changed.event) await this.deps.buttonEvents.addEvent(changed.event);
      if (await this.deps.health.putHealth(changed.next, stored?.version ?? 0)) return;
    }
    throw new HealthContentionError(deviceId);
  }
}

function pick({ health, buttonEvents, buttons, skus }: FleetHealthStores): FleetHealthStores {
  return { health, buttonEvents, buttons, skus };
}

const healthId = (button: HealthKey) => `${button.brandId}/${button.deviceId}`;

function maxOf(a: number | null, b: number | null): number | null {
  if (a === null) return b;
  if (b === null) return a;
  return Math.max(a, b);
}

function same(a: ButtonHealth, b: ButtonHealth): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}
