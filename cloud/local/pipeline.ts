/**
 * What the local stack runs on top of broker and store — the same code as in AWS: the
 * PressService and OrderService the Lambdas run, on the DynamoDB stores, with acks through the
 * embedded broker; the HTTP API (createApiApp) with tokens from the local issuer; the sweep;
 * the outbox relay publishing order events to the console, the outbox file and the household's
 * notifications in the store (the work DynamoDB Streams and the notification Lambda do in AWS).
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { getRequestListener } from '@hono/node-server';
import { createApiApp } from '../api/app.ts';
import { dynamoApiStores } from '../api/stores.ts';
import { LocalIssuer } from '../core/auth/local-issuer.ts';
import { OutboxRelay } from '../core/events/outbox.ts';
import { HouseholdNotifier } from '../core/notifications/notify.ts';
import { systemClock } from '../core/ports.ts';
import type { PressEvent } from '../core/press/press-event.ts';
import { createPressPipeline } from '../core/press/press-pipeline.ts';
import { DynamoOutboxStore } from '../store/dynamo/dynamo-outbox-store.ts';
import { DynamoPressStore } from '../store/dynamo/dynamo-press-store.ts';
import { seedDemo } from './demo.ts';
import { answerClientError } from './http-client-errors.ts';
import { LocalNotifier } from './notifications.ts';
import { finishCommittedPresses } from './repair.ts';
import type { PipelineFactory } from './stack.ts';
import { recordedSubscriptions } from './subscriptions.ts';
import { localWebApp } from './web.ts';

/** Bounds the repair list when the store is down for long (a restart's repair covers the rest). */
const MAX_UNFINISHED = 10_000;

export const localPipeline: PipelineFactory = async (context) => {
  const { table, log, config, keySource } = context;
  const stores = dynamoApiStores(table);
  const { presses, orders } = createPressPipeline({
    store: new DynamoPressStore(table),
    orderStore: stores.orders,
    keys: keySource,
    acks: context.ackPublisher,
    log,
  });
  const relay = new OutboxRelay(
    new LocalNotifier(config.dataDir, log, new HouseholdNotifier(stores.notifications)),
  );
  const outbox = new DynamoOutboxStore(table);
  const issuer = await LocalIssuer.open(config.dataDir, systemClock);
  const app = createApiApp({
    stores,
    orderService: orders,
    clock: systemClock,
    keySource,
    tokens: issuer.verifier(),
    subscriptions: recordedSubscriptions,
    log,
  });
  // The API plus the web console's files and the development-only sign-in route.
  const web = localWebApp({ api: app, issuer });

  // Buttons whose press failed, perhaps after its ack (then no retry comes): the sweep finishes
  // what their committed presses still owe.
  const unfinished = new Set<string>();
  const finishCommitted = async () => {
    for (const deviceId of [...unfinished]) {
      await presses.finishCommitted(deviceId);
      unfinished.delete(deviceId);
    }
  };

  // Before the rule takes presses: whatever the last run acked but did not write is written.
  await finishCommittedPresses(table, presses, log);

  return {
    // The press service logs each decision itself.
    handlePress: async (event: PressEvent) => {
      try {
        return await presses.handle(event);
      } catch (error) {
        const device = String(event.clientId);
        if (unfinished.size < MAX_UNFINISHED) unfinished.add(device);
        throw error;
      }
    },
    drainOutbox: () => relay.drain(outbox),
    sweep: async () => {
      await finishCommitted();
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
