/**
 * The one assembly of the press path: a PressService, the commit relay that writes what follows
 * from its commit point, and the OrderService both cancel through, on the given stores, with
 * defaults for what most callers do not choose (the system clock, node's SHA-256, a log that
 * drops lines). Order events leave through the order items' outbox (core/events), not through
 * the pipeline. The Lambdas, the local stack, the tests and the benchmark all build it here.
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
import { CommitRelay } from './commit-relay.ts';
import { PressService } from './press-service.ts';
import type { PressStore } from './press-store.ts';

export interface CommitRelayOptions {
  store: PressStore;
  orderStore: OrderStore;
  clock?: Clock;
  log?: Log;
}

export interface PressPipelineOptions extends CommitRelayOptions {
  keys: KeySource;
  acks: AckPublisher;
  sha256?: Sha256;
}

export interface PressPipeline {
  presses: PressService;
  /** Writes what follows from the commit points (in AWS the stream Lambda runs it). */
  relay: CommitRelay;
  /** The order service the pipeline uses (LONG press cancels, the sweep). */
  orders: OrderService;
}

/** The commit relay alone, as the stream Lambda runs it. */
export function createCommitRelay(options: CommitRelayOptions): Omit<PressPipeline, 'presses'> {
  const clock = options.clock ?? systemClock;
  const log = options.log ?? silentLog;
  const orders = new OrderService({ orders: options.orderStore, clock, log });
  return { relay: new CommitRelay({ store: options.store, orders, clock, log }), orders };
}

export function createPressPipeline(options: PressPipelineOptions): PressPipeline {
  const clock = options.clock ?? systemClock;
  const log = options.log ?? silentLog;
  const { relay, orders } = createCommitRelay({ ...options, clock, log });
  const presses = new PressService({
    store: options.store,
    relay,
    keys: options.keys,
    clock,
    acks: options.acks,
    log,
    sha256: options.sha256 ?? nodeSha256,
  });
  return { presses, relay, orders };
}

/**
 * The pipeline's handler with the commit relay run right after each press, for presses whose
 * caller reads the order at once (a brand's virtual test button, pressed through the API).
 */
export function relayingAtOnce(pipeline: PressPipeline): Pick<PressService, 'handle'> {
  return {
    async handle(event) {
      const result = await pipeline.presses.handle(event);
      if (result.ack) await pipeline.relay.finishPress(result.ack.device, result.ack.seq);
      return result;
    },
  };
}
