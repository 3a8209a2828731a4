/**
 * The press pipeline as the local stack runs it: the same PressService and OrderService the
 * Lambdas run, on the DynamoDB stores, with acks through the embedded broker and notifications
 * to the console and the outbox.
 */
import { OrderService } from '../core/orders/order-service.ts';
import { systemClock } from '../core/ports.ts';
import type { PressEvent } from '../core/press/press-event.ts';
import { PressService } from '../core/press/press-service.ts';
import { nodeSha256 } from '../core/sha256.ts';
import { DynamoOrderStore } from '../store/dynamo-order-store.ts';
import { DynamoPressStore } from '../store/dynamo-press-store.ts';
import { seedDemo } from './demo.ts';
import { LocalNotifier } from './notifications.ts';
import type { PipelineFactory } from './stack.ts';

export const localPipeline: PipelineFactory = async (context) => {
  const { table, log, config } = context;
  const events = new LocalNotifier(config.dataDir, log);
  const orderStore = new DynamoOrderStore(table);
  const orders = new OrderService({ orders: orderStore, clock: systemClock, events, log });
  const presses = new PressService({
    store: new DynamoPressStore(table),
    orders,
    keys: context.keySource,
    clock: systemClock,
    acks: context.ackPublisher,
    events,
    log,
    sha256: nodeSha256,
  });
  return {
    // The press service logs each decision itself.
    handlePress: (event: PressEvent) => presses.handle(event),
    sweep: async () => {
      const result = await orders.sweep();
      if (result.confirmed + result.expired > 0) log.info('sweep', { ...result });
      return result;
    },
    seedDemo: async () => {
      const { created, lines } = await seedDemo(table, {
        now: systemClock.now(),
        keyVersion: context.masterKeys.current,
      });
      if (created > 0) log.info('demo data created', { items: created });
      return lines;
    },
  };
};
