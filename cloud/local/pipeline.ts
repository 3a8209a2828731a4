/**
 * What the local stack runs on top of broker and store — the same code as in AWS: the
 * PressService and OrderService the Lambdas run, on the DynamoDB stores, with acks through the
 * embedded broker; the HTTP API (createApiApp) with tokens from the local issuer; the sweep
 * (cancel windows, next-need reminders and silent buttons); the outbox drain — what presses
 * leave for after their ack (event-drain.ts: the work DynamoDB Streams and the stream Lambda do
 * in AWS), by default on a thread of its own (drain-thread.ts) — and buttons' update reports to
 * their rollouts (the work of the job-execution events in AWS); webhook delivery on a timer.
 */
import { randomUUID } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { getRequestListener } from '@hono/node-server';
import { createApiApp } from '../api/app.ts';
import { dynamoApiStores } from '../api/stores.ts';
import { LocalIssuer } from '../core/auth/local-issuer.ts';
import { FleetHealth } from '../core/health/fleet-health.ts';
import { systemClock } from '../core/ports.ts';
import type { PressEvent } from '../core/press/press-event.ts';
import { createPressPipeline, relayingAtOnce } from '../core/press/press-pipeline.ts';
import { Reminders } from '../core/reminders/reminders.ts';
import { applyUpdateReports } from '../core/rollouts/report-relay.ts';
import { Rollouts } from '../core/rollouts/rollouts.ts';
import { httpsPoster } from '../core/webhooks/https-poster.ts';
import { WebhookDispatcher, type WebhookPoster } from '../core/webhooks/webhooks.ts';
import { DynamoCommitOutbox } from '../store/dynamo/dynamo-commit-outbox.ts';
import { DynamoPressStore } from '../store/dynamo/dynamo-press-store.ts';
import { DynamoReminderStore } from '../store/dynamo/dynamo-reminder-store.ts';
import { commitSteps, crashPointFrom, updateReportSteps } from './crash-points.ts';
import { seedDemo } from './demo.ts';
import { startDrainThread } from './drain-thread.ts';
import { eventDrain } from './event-drain.ts';
import { answerClientError } from './http-client-errors.ts';
import type { PipelineFactory } from './stack.ts';
import { recordedSubscriptions } from './subscriptions.ts';
import { localWebApp } from './web.ts';

const WEBHOOK_INTERVAL_MS = 500;

export interface LocalPipelineOptions {
  /** How webhooks are posted (default: node:https with the system's trusted CAs). */
  webhookPoster?: WebhookPoster;
  /**
   * The step of crash-points.ts where the outbox drain kills the process (the crash tests'
   * RESTOCK_CRASH_AT); by default none.
   */
  crashAt?: string | undefined;
  /**
   * The outbox drain on a thread of its own (default), or on the broker's event loop (false;
   * RESTOCK_DRAIN_THREAD=0 for `npm start`).
   */
  drainThread?: boolean;
}

export const localPipelineWith =
  (options: LocalPipelineOptions = {}): PipelineFactory =>
  async (context) => {
    const { table, log, config, keySource, ota } = context;
    const stores = dynamoApiStores(table);
    // dynalite has no stream: each claim marks its button for the commit relay.
    const pipeline = createPressPipeline({
      store: new DynamoPressStore(table, { noStream: true }),
      orderStore: stores.orders,
      keys: keySource,
      acks: context.ackPublisher,
      log,
    });
    const { presses, relay: commits, orders } = pipeline;
    // Next-need reminders go to the household's notifications (the sweep logs each one).
    const reminders = new Reminders({
      store: new DynamoReminderStore(table),
      clock: systemClock,
      log,
    });
    // The sweep's silent-button check.
    const health = new FleetHealth(stores, systemClock, log);
    const crash = crashPointFrom(options.crashAt);
    const updateReports = updateReportSteps(crash, ota.updates);
    // Webhooks go out on their own timer: a slow or failing receiver never holds up a press.
    const webhooks = new WebhookDispatcher({
      store: stores.webhooks,
      post: options.webhookPoster ?? httpsPoster(),
      clock: systemClock,
      log,
    });
    const issuer = await LocalIssuer.open(config.dataDir, systemClock);
    const app = createApiApp({
      stores,
      orderService: orders,
      // Virtual test buttons: the brand lists the order right after its press.
      presses: relayingAtOnce(pipeline),
      clock: systemClock,
      keySource,
      tokens: issuer.verifier(),
      subscriptions: recordedSubscriptions,
      log,
      ota,
    });
    // Update reports move rollouts on; the sweep tops them up (assignments a crash left owed),
    // as the sweep Lambda does.
    const rollouts = new Rollouts({
      store: stores.rollouts,
      fleet: stores.buttons,
      assigner: ota.updates,
      images: ota.firmware,
      clock: systemClock,
      newId: randomUUID,
      log,
    });
    // The API plus the web console's files and the development-only sign-in route.
    const web = localWebApp({ api: app, issuer });

    const commitOutbox = commitSteps(crash, new DynamoCommitOutbox(table));
    const drainThread = options.drainThread ?? drainThreadFrom(process.env.RESTOCK_DRAIN_THREAD);
    const events = drainThread
      ? await startDrainThread(
          {
            tableName: table.name,
            endpoint: context.endpoint,
            dataDir: config.dataDir,
            crashAt: options.crashAt,
          },
          log,
        )
      : null;
    const drainEvents = events?.drain ?? eventDrain({ table, dataDir: config.dataDir, log, crash });

    return {
      // The press service logs each decision itself.
      handlePress: (event: PressEvent) => presses.handle(event),
      // Update reports stay here: their rollouts are few, and run by the sweep too.
      drainOutbox: async () =>
        (await drainEvents()) + (await applyUpdateReports(updateReports, rollouts)),
      // Webhook rounds run detached from their timer: a stop waits for those in flight, so
      // none writes to the store after it is gone.
      close: async () => {
        await events?.close();
        await webhooks.idle();
      },
      timers: [
        {
          name: 'webhook delivery',
          intervalMs: WEBHOOK_INTERVAL_MS,
          run: async () => webhooks.tick(),
        },
      ],
      sweep: async () => {
        // The sweep finds orders by their items: the ones just committed get theirs first.
        await commits.drain(commitOutbox);
        await rollouts.sweep();
        const result = {
          ...(await orders.sweep()),
          ...(await reminders.sweep()),
          ...(await health.sweep()),
        };
        if (result.confirmed + result.expired + result.reminded + result.silent > 0)
          log.info('sweep', { ...result });
        return result;
      },
      startHttp: async (host, port) => {
        const server = createServer(getRequestListener(web.fetch));
        server.on('clientError', answerClientError);
        let inFlight = 0;
        server.on('request', (_request, response) => {
          inFlight++;
          response.on('close', () => inFlight--);
        });
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
          close: async () => {
            const closed = new Promise<void>((resolve) => server.close(() => resolve()));
            // Requests in flight finish first: cut, their handlers would go on against a store
            // that closes right after. One still running after 5 s is cut anyway.
            for (let waited = 0; inFlight > 0 && waited < 5_000; waited += 20) {
              await new Promise((resolve) => setTimeout(resolve, 20));
            }
            server.closeAllConnections();
            await closed;
          },
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

export const localPipeline: PipelineFactory = localPipelineWith();

function drainThreadFrom(value: string | undefined): boolean {
  return value !== '0' && value !== 'false';
}
