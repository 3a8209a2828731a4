/**
 * What the local stack runs on top of broker and store — the same code as in AWS: the
 * PressService and OrderService the Lambdas run, on the DynamoDB stores, with acks through the
 * embedded broker; the HTTP API (createApiApp) with tokens from the local issuer; the sweep;
 * notifications to the console, the outbox file and the household's notifications in the store.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { getRequestListener } from '@hono/node-server';
import { createApiApp } from '../api/app.ts';
import { dynamoApiStores } from '../api/stores.ts';
import { LocalIssuer } from '../core/auth/local-issuer.ts';
import { OrderService } from '../core/orders/order-service.ts';
import { systemClock } from '../core/ports.ts';
import type { PressEvent } from '../core/press/press-event.ts';
import { createPressPipeline } from '../core/press/press-pipeline.ts';
import { DynamoPressStore } from '../store/dynamo/dynamo-press-store.ts';
import { seedDemo } from './demo.ts';
import { answerClientError } from './http-client-errors.ts';
import { LocalNotifier } from './notifications.ts';
import type { PipelineFactory } from './stack.ts';
import { localWebApp } from './web.ts';

export const localPipeline: PipelineFactory = async (context) => {
  const { table, log, config, keySource } = context;
  const stores = dynamoApiStores(table);
  // Changes from presses and the sweep reach the household through its notifications. The API
  // notifies for changes it makes on someone else's behalf itself, so its OrderService only
  // writes the console and the outbox (no notification twice).
  const pressEvents = new LocalNotifier(config.dataDir, log, stores.notifications);
  const apiEvents = new LocalNotifier(config.dataDir, log);
  const { presses, orders } = createPressPipeline({
    store: new DynamoPressStore(table),
    orderStore: stores.orders,
    keys: keySource,
    acks: context.ackPublisher,
    events: pressEvents,
    log,
  });
  const apiOrders = new OrderService({
    orders: stores.orders,
    clock: systemClock,
    events: apiEvents,
    log,
  });
  const issuer = await LocalIssuer.open(config.dataDir, systemClock);
  const app = createApiApp({
    stores,
    orderService: apiOrders,
    clock: systemClock,
    keySource,
    tokens: issuer.verifier(),
    log,
  });
  // The API plus the web console's files and the development-only sign-in route.
  const web = localWebApp({ api: app, issuer });

  return {
    // The press service logs each decision itself.
    handlePress: (event: PressEvent) => presses.handle(event),
    sweep: async () => {
      const result = await orders.sweep();
      if (result.confirmed + result.expired > 0) log.info('sweep', { ...result });
      return result;
    },
    startHttp: async (host, port) => {
      const server = createServer(getRequestListener(web.fetch));
      server.on('clientError', answerClientError);
      await new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        server.listen(port, host, () => {
          server.off('error', reject);
          resolve();
        });
      });
      const bound = (server.address() as AddressInfo).port;
      return {
        url: `http://${host}:${bound}`,
        close: () =>
          new Promise<void>((resolve) => {
            server.close(() => resolve());
            server.closeAllConnections();
          }),
      };
    },
    seedDemo: async () => {
      const { created, lines } = await seedDemo({
        stores,
        keySource,
        keyVersion: context.masterKeys.current,
        clock: systemClock,
      });
      if (created) log.info('demo data created');
      return lines;
    },
  };
};
