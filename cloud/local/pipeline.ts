/**
 * What the local stack runs on top of broker and store — the same code as in AWS: the
 * PressService and OrderService the Lambdas run, on the DynamoDB stores, with acks through the
 * embedded broker; the HTTP API (createApiApp) with tokens from the local issuer; the sweep
 * (cancel windows, next-need reminders and silent buttons);
 * the commit relay writing what each press's commit point owes (order items, press records), then
 * the outbox relay publishing order events to the brand statistics, fleet health, household
 * insight, the webhook queue, the console, the outbox file and the household's notifications in
 * the store, button events to health, insight and the webhook queue (the work DynamoDB
 * Streams and the stream Lambda do in AWS), and buttons' update reports to their rollouts
 * (the work of the job-execution events in AWS); webhook delivery on a timer.
 */
import { randomUUID } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { getRequestListener } from '@hono/node-server';
import { createApiApp } from '../api/app.ts';
import { dynamoApiStores } from '../api/stores.ts';
import { LocalIssuer } from '../core/auth/local-issuer.ts';
import { drainButtonEvents, fanOutButtonEvents } from '../core/events/button-events.ts';
import { orderEventConsumers } from '../core/events/consumers.ts';
import { OutboxRelay } from '../core/events/outbox.ts';
import { FleetHealth } from '../core/health/fleet-health.ts';
import { HouseholdInsight } from '../core/insight/household-insight.ts';
import { HouseholdNotifier } from '../core/notifications/notify.ts';
import { systemClock } from '../core/ports.ts';
import type { PressEvent } from '../core/press/press-event.ts';
import { createPressPipeline, relayingAtOnce } from '../core/press/press-pipeline.ts';
import { Reminders } from '../core/reminders/reminders.ts';
import { applyUpdateReports } from '../core/rollouts/report-relay.ts';
import { Rollouts } from '../core/rollouts/rollouts.ts';
import { httpsPoster } from '../core/webhooks/https-poster.ts';
import {
  WebhookDispatcher,
  WebhookEnqueuer,
  type WebhookPoster,
} from '../core/webhooks/webhooks.ts';
import { DynamoCommitOutbox } from '../store/dynamo/dynamo-commit-outbox.ts';
import { DynamoOutboxStore } from '../store/dynamo/dynamo-outbox-store.ts';
import { DynamoPressStore } from '../store/dynamo/dynamo-press-store.ts';
import { DynamoReminderStore } from '../store/dynamo/dynamo-reminder-store.ts';
import {
  type CrashPoint,
  commitSteps,
  householdStep,
  noCrash,
  outboxSteps,
  updateReportSteps,
} from './crash-points.ts';
import { seedDemo } from './demo.ts';
import { answerClientError } from './http-client-errors.ts';
import { LocalNotifier } from './notifications.ts';
import type { PipelineFactory } from './stack.ts';
import { recordedSubscriptions } from './subscriptions.ts';
import { localWebApp } from './web.ts';

const WEBHOOK_INTERVAL_MS = 500;

export interface LocalPipelineOptions {
  /** How webhooks are posted (default: node:https with the system's trusted CAs). */
  webhookPoster?: WebhookPoster;
  /** Where the outbox drain may be killed (the crash test); by default nowhere. */
  crashPoint?: CrashPoint;
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
    const health = new FleetHealth(stores, systemClock, log);
    const insight = new HouseholdInsight(stores.activity);
    // The consumers the order-event Lambda feeds in AWS, each batch to all at once, with the
    // household's notifications also on the console and in the outbox file. Brands hear
    // through webhooks (no bus here). A failing one fails the batch; the next drain repeats it.
    const crash = options.crashPoint ?? noCrash;
    const relay = new OutboxRelay(
      orderEventConsumers({
        household: new LocalNotifier(
          config.dataDir,
          log,
          householdStep(crash, new HouseholdNotifier(stores.notifications)),
        ),
        stats: stores.stats,
        webhooks: stores.webhooks,
        timers: stores.orders,
        clock: systemClock,
        more: [health, insight],
      }),
    );
    const buttonEventSink = fanOutButtonEvents([
      health,
      insight,
      new WebhookEnqueuer(stores.webhooks, systemClock),
    ]);
    const outbox = outboxSteps(crash, new DynamoOutboxStore(table));
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

    return {
      // The press service logs each decision itself.
      handlePress: (event: PressEvent) => presses.handle(event),
      // What committed presses owe first (also what a crash left owed before this start), so
      // the order items whose events the relay then publishes exist.
      drainOutbox: async () =>
        (await commits.drain(commitOutbox)) +
        (await relay.drain(outbox)) +
        (await drainButtonEvents(stores.buttonEvents, buttonEventSink)) +
        (await applyUpdateReports(updateReports, rollouts)),
      // Webhook rounds run detached from their timer: a stop waits for those in flight, so
      // none writes to the store after it is gone.
      close: () => webhooks.idle(),
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
