/**
 * The one assembly of the press path: a PressService and the OrderService it cancels through,
 * on the given stores, with defaults for what most callers do not choose (the system clock,
 * node's SHA-256, a log that drops lines). Order events leave through the order items' outbox
 * (core/events), not through the pipeline. The Lambda, the local stack, the tests
 * and the benchmark all build it here.
 */
import type { Sha256 } from '#shared/index';
import { OrderService } from '../orders/order-service.ts';
import type { OrderStore } from '../orders/order-store.ts';
import {
  type AckPublisher,
  type Clock,
  type KeySource,
  type Log,
  silentLog,
  systemClock,
} from '../ports.ts';
import { nodeSha256 } from '../sha256.ts';
import { PressService } from './press-service.ts';
import type { PressStore } from './press-store.ts';

export interface PressPipelineOptions {
  store: PressStore;
  orderStore: OrderStore;
  keys: KeySource;
  acks: AckPublisher;
  clock?: Clock;
  log?: Log;
  sha256?: Sha256;
}

export interface PressPipeline {
  presses: PressService;
  /** The order service the pipeline uses (LONG press cancels, the sweep). */
  orders: OrderService;
}

export function createPressPipeline(options: PressPipelineOptions): PressPipeline {
  const clock = options.clock ?? systemClock;
  const log = options.log ?? silentLog;
  const orders = new OrderService({ orders: options.orderStore, clock, log });
  const presses = new PressService({
    store: options.store,
    orders,
    keys: options.keys,
    clock,
    acks: options.acks,
    log,
    sha256: options.sha256 ?? nodeSha256,
  });
  return { presses, orders };
}
