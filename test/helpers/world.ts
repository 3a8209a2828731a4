/**
 * A press pipeline wired to a store under test, with a manual clock, a recording ack publisher,
 * the commit relay and then the outbox relay drained after every pipeline call (as the local
 * stack does), the events into a recorded list, and virtual devices that sign exactly as the firmware does.
 */
import {
  type Ack,
  type ClickType,
  deriveDeviceKey,
  encodePress,
  type Press,
  signPress,
} from '#shared/index';
import { OrderTimerFiler } from '../../cloud/core/events/order-timers.ts';
import { OutboxRelay } from '../../cloud/core/events/outbox.ts';
import { DerivedKeySource } from '../../cloud/core/keys.ts';
import type { Button, ButtonSettings, OrderEvent, Sku } from '../../cloud/core/model.ts';
import { DEFAULT_SETTINGS } from '../../cloud/core/model.ts';
import type { OrderService } from '../../cloud/core/orders/order-service.ts';
import type { EventSink, Log } from '../../cloud/core/ports.ts';
import type { CommitRelay } from '../../cloud/core/press/commit-relay.ts';
import { type PressEvent, pressEventFor } from '../../cloud/core/press/press-event.ts';
import { createPressPipeline } from '../../cloud/core/press/press-pipeline.ts';
import type { PressService } from '../../cloud/core/press/press-service.ts';
import { nodeSha256 } from '../../cloud/core/sha256.ts';
import type { StoreUnderTest } from './stores.ts';

export const MASTER_KEY = new Uint8Array(32).map((_, i) => i * 7 + 1);
export const START = Date.UTC(2026, 10, 23, 12, 0, 0);

export class ManualClock {
  constructor(public time = START) {}
  now(): number {
    return this.time;
  }
  advance(ms: number): void {
    this.time += ms;
  }
}

export interface LogLine {
  level: 'info' | 'warn' | 'error';
  message: string;
  data?: Record<string, unknown> | undefined;
}

export class MemoryLog implements Log {
  readonly lines: LogLine[] = [];
  info(message: string, data?: Record<string, unknown>) {
    this.lines.push({ level: 'info', message, data });
  }
  warn(message: string, data?: Record<string, unknown>) {
    this.lines.push({ level: 'warn', message, data });
  }
  error(message: string, data?: Record<string, unknown>) {
    this.lines.push({ level: 'error', message, data });
  }
}

export const BRAND = 'acme';

export function sku(overrides: Partial<Sku> = {}): Sku {
  return {
    brandId: BRAND,
    skuId: 'coffee',
    name: 'Coffee beans 1 kg',
    priceCents: 1299,
    currency: 'EUR',
    maxQuantity: 5,
    inStock: true,
    retired: false,
    priceHistory: [{ priceCents: overrides.priceCents ?? 1299, at: START - 1000 }],
    updatedAt: START - 1000,
    ...overrides,
  };
}

export function button(deviceId: string, settings: Partial<ButtonSettings> = {}): Button {
  return {
    deviceId,
    brandId: BRAND,
    serial: `SN-${deviceId}`,
    keyVersion: 1,
    householdId: 'hh-1',
    settings: { ...DEFAULT_SETTINGS, skuId: 'coffee', acceptedPriceCents: 1299, ...settings },
    highWaterMark: 0,
    open: [],
    lastPressAt: null,
    batteryMv: null,
    createdAt: START - 1000,
  };
}

export class World {
  readonly clock = new ManualClock();
  readonly log = new MemoryLog();
  readonly acks: { deviceId: string; ack: Ack }[] = [];
  readonly events: OrderEvent[] = [];
  readonly keys = new DerivedKeySource(new Map([[1, MASTER_KEY]]), nodeSha256);
  readonly orders: OrderService;
  readonly service: PressService;
  /** Writes what the presses' commit points owe (the stack's drain runs it first). */
  readonly commits: CommitRelay;

  private readonly relay: OutboxRelay;

  private readonly autoDrain: boolean;

  /**
   * `sinks` receive every published event after the recorded list (e.g. a HouseholdNotifier);
   * `drain: false` leaves the events in the outbox for the test to publish.
   */
  constructor(
    readonly store: StoreUnderTest,
    options: { sinks?: EventSink[]; drain?: boolean } = {},
  ) {
    const sinks = options.sinks ?? [];
    this.autoDrain = options.drain ?? true;
    // Waiting orders are filed for the sweep, as the stack's and the Lambda's consumers do.
    const timers = new OrderTimerFiler(store.orders);
    this.relay = new OutboxRelay({
      emit: async (batch) => {
        await timers.emit(batch);
        this.events.push(...batch);
        for (const sink of sinks) await sink.emit(batch);
      },
    });
    const pipeline = createPressPipeline({
      store: store.press,
      orderStore: store.orders,
      keys: this.keys,
      acks: { publishAck: async (deviceId, ack) => void this.acks.push({ deviceId, ack }) },
      clock: this.clock,
      log: this.log,
    });
    this.orders = this.drainingAfter(pipeline.orders);
    this.service = pipeline.presses;
    this.commits = pipeline.relay;
  }

  private draining: Promise<unknown> = Promise.resolve();

  /**
   * Writes what the commit points owe, then publishes what the outbox holds, one drain at a time,
   * as the stack's relay loop does; returns how many events went out.
   */
  drain(): Promise<number> {
    const run = this.draining.then(async () => {
      await this.commits.drain(this.store.commits);
      return this.relay.drain(this.store.outbox);
    });
    this.draining = run.catch(() => undefined);
    return run;
  }

  /** The same service, with the outbox drained after every call that succeeded. */
  private drainingAfter(orders: OrderService): OrderService {
    return new Proxy(orders, {
      get: (target, property) => {
        const value = Reflect.get(target, property, target);
        if (typeof value !== 'function') return value;
        return async (...args: unknown[]) => {
          const result = await value.apply(target, args);
          if (this.autoDrain) await this.drain();
          return result;
        };
      },
    });
  }

  device(deviceId: string): VirtualDevice {
    return new VirtualDevice(deviceId, this);
  }

  async handle(event: PressEvent) {
    const result = await this.service.handle(event);
    if (this.autoDrain) await this.drain();
    return result;
  }
}

/** Signs presses as the firmware does: a new sequence number per press, the same on retries. */
export class VirtualDevice {
  seq = 0;
  readonly key: Uint8Array;
  /** Set: the device runs contract version 2 firmware and signs `fw`/`cfg`; unset: version 1. */
  firmware: { fw: number; cfg: number } | undefined;
  private readonly clicks = new Map<number, ClickType>();

  constructor(
    readonly deviceId: string,
    private readonly world: World,
  ) {
    this.key = deriveDeviceKey(nodeSha256, MASTER_KEY, deviceId, 1);
  }

  sign(click: ClickType, seq: number, attempt = 1, batteryMv = 2900): Press {
    return signPress(nodeSha256, this.key, {
      device: this.deviceId,
      seq,
      click,
      battery_mv: batteryMv,
      attempt,
      kv: 1,
      ...this.firmware,
    });
  }

  event(press: Press | string): PressEvent {
    const payload = typeof press === 'string' ? press : encodePress(press);
    return pressEventFor(this.deviceId, payload, this.world.clock.now());
  }

  /** A new press: increments the counter first, as the firmware persists it before publishing. */
  press(click: ClickType = 'SINGLE', batteryMv?: number) {
    this.seq++;
    this.clicks.set(this.seq, click);
    return this.world.handle(this.event(this.sign(click, this.seq, 1, batteryMv)));
  }

  /** The same press delivered again (a retry carries a higher attempt count). */
  resend(seq = this.seq, attempt = 2) {
    return this.world.handle(this.event(this.sign(this.clicks.get(seq) ?? 'SINGLE', seq, attempt)));
  }
}
