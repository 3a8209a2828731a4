/**
 * The end-to-end benchmark rows for `npm run bench`: press → signed ack through the embedded
 * broker, topic rule and press pipeline on dynalite, with many virtual buttons pressing
 * concurrently from a thread of their own (e2e-connected.ts; closed loop: each button waits for
 * its ack before pressing again, as a real button does) — and, in the same run on the same
 * broker, a floor: a bare MQTT echo (a service client republishes each press to the device's ack
 * topic; no rule, no store) — and the e2e row again while every order goes to a webhook receiver
 * that answers after 30 s, timed only once the receiver holds requests and compared with a
 * window just before with no endpoint. The connected row follows an unmeasured warm-up, and each
 * row starts once the stack has caught up with what earlier presses left for after their acks.
 * Figures only; nothing is asserted. bench/main.ts prints them and puts them in the JSON under
 * "e2e", "e2e_slow_webhook", "webhook_slow_receiver" and "e2e_floor".
 */
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import type { ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { connect } from 'mqtt';
import { ackTopic, parseTopic } from '#shared/index';
import { DEFAULT_SETTINGS } from '../cloud/core/model.ts';
import { silentLog, systemClock } from '../cloud/core/ports.ts';
import { httpsPoster } from '../cloud/core/webhooks/https-poster.ts';
import { WEBHOOK_EVENT_TYPES, Webhooks } from '../cloud/core/webhooks/webhooks.ts';
import { ensureDevCa } from '../cloud/dev/dev-ca.ts';
import type { StackConfig } from '../cloud/local/config.ts';
import { demoSkus } from '../cloud/local/demo.ts';
import { startDynaliteThread } from '../cloud/local/dynalite-thread.ts';
import type { ServiceIdentity } from '../cloud/local/iot/policy.ts';
import { localPipelineWith } from '../cloud/local/pipeline.ts';
import { type RunningStack, startStack } from '../cloud/local/stack.ts';
import type { ButtonTransport, VirtualButton } from '../cloud/local/tools/virtual-button.ts';
import { toButtonItem } from '../cloud/store/dynamo/button-item.ts';
import { DynamoWebhookStore } from '../cloud/store/dynamo/dynamo-webhook-store.ts';
import { toSkuItem } from '../cloud/store/dynamo/sku-item.ts';
import { connectedButton } from './connected-button.ts';
import { type E2eFigures, startConnectedButtons } from './e2e-connected.ts';
import { measureSleepy, type SleepyFigures } from './e2e-sleepy.ts';
import { mainThreadCpuMs } from './thread-cpu.ts';

export type { E2eFigures } from './e2e-connected.ts';

export interface E2eBenchOptions {
  /** Presses in flight (default 64), over CONNECTED_POOL times as many connected buttons. */
  buttons?: number;
  /** Length of each row's closed loop (default 3000 ms). */
  durationMs?: number;
  /** Unmeasured presses before the connected row (default 5 s) and each sleepy row (a fifth). */
  warmUpMs?: number;
  /** How long presses may run before the slow receiver must hold requests (default 20 s). */
  warmUpLimitMs?: number;
  progress?: (message: string) => void;
}

export async function measureE2e(options: E2eBenchOptions = {}): Promise<{
  e2e: E2eFigures & BrokerCpu;
  e2e_slow_webhook: E2eFigures & {
    webhook_requests_held: number;
    deliveries_pending: number;
    /** The same buttons just before, with no webhook endpoint registered. */
    p99_no_receiver_ms: number;
  };
  e2e_floor: E2eFigures;
  e2e_sleepy: SleepyFigures;
  e2e_sleepy_tls: SleepyFigures;
}> {
  const count = options.buttons ?? 64;
  const durationMs = options.durationMs ?? 3_000;
  const progress = options.progress ?? (() => {});
  const dataDir = await mkdtemp(join(tmpdir(), 'restock-bench-e2e-'));
  const echo: ServiceIdentity = {
    name: 'restock-bench-echo',
    secret: randomBytes(16).toString('hex'),
    publish: ['restock/v1/+/ack'],
    subscribe: ['restock/v1/+/press'],
  };
  // The stack's development CA also certifies the slow webhook receiver below.
  const ca = await ensureDevCa(dataDir);
  // In-memory dynalite, as the other bench rows use (the stack's default keeps it on disk), on
  // its own thread as the stack runs it by default: the broker's event loop is not the store's.
  const store = await startDynaliteThread();
  // One broker for both rows: presses reach the pipeline only while the e2e row runs.
  let pipelineOn = true;
  const stack = await startStack(benchStackConfig(dataDir, store.endpoint), {
    log: silentLog,
    services: [echo],
    pipeline: async (context) => {
      const real = await localPipelineWith({ webhookPoster: httpsPoster({ ca: ca.caCertPem }) })(
        context,
      );
      return {
        ...real,
        handlePress: (event) => (pipelineOn ? real.handlePress(event) : Promise.resolve()),
      };
    },
  });
  let buttons: Awaited<ReturnType<typeof startConnectedButtons>> | null = null;
  try {
    const deviceIds = Array.from({ length: count * CONNECTED_POOL }, (_, i) => `bench-${i + 1}`);
    progress(`e2e: registering and connecting ${deviceIds.length} buttons…`);
    await registerButtons(stack, deviceIds);
    buttons = await startConnectedButtons(stack, deviceIds, count);
    const connected = buttons;
    progress(
      `e2e: ${count} of the ${deviceIds.length} connected buttons pressing at once through broker, rule and pipeline for ${durationMs} ms…`,
    );
    // Unmeasured: the first presses of a fresh stack compile code paths and fill caches. The
    // compiler works on other threads of the same two cores for as long as code still gets hot,
    // so the warm-up lasts about as many presses as the pipeline rows' (bench/main.ts).
    const warmUpMs = options.warmUpMs ?? WARM_UP_MS;
    await connected.loop('press', warmUpMs);
    await stack.drainOutbox();
    const e2e = await withBrokerCpu(() => connected.loop('press', durationMs));

    // Sleepy buttons of their own: a connected button's client id would be taken over.
    const sleepyIds = Array.from({ length: count * SLEEPY_POOL }, (_, i) => `sleepy-${i + 1}`);
    await registerButtons(stack, sleepyIds);
    const sleepy = await measureSleepy(stack, dataDir, sleepyIds, {
      concurrency: count,
      durationMs,
      warmUpMs: warmUpMs / 5,
      progress,
    });

    progress(
      `e2e with a slow webhook: every order posted to a receiver that answers after ${SLOW_RECEIVER_MS / 1000} s…`,
    );
    // The baseline right before, warm like the row it is compared with: no endpoint at all.
    await stack.drainOutbox();
    const noReceiver = await connected.loop('press', durationMs);
    const receiver = await startSlowReceiver(ca.server);
    let e2eSlowWebhook: E2eFigures;
    let webhookRequests = 0;
    let deliveriesPending = 0;
    try {
      await subscribeWebhook(stack, receiver.url);
      // Measured only once the receiver holds requests: before that, the row would time
      // presses next to a receiver that has not been called yet.
      const warm = performance.now();
      const warmUpLimit = options.warmUpLimitMs ?? WARM_UP_LIMIT_MS;
      while (receiver.held.size === 0 && performance.now() - warm < warmUpLimit) {
        await connected.loop('press', 250);
      }
      progress(
        `e2e with a slow webhook: ${receiver.held.size} webhook requests held open after ${Math.round(performance.now() - warm)} ms of warm-up; measuring…`,
      );
      e2eSlowWebhook = await connected.loop('press', durationMs);
      webhookRequests = receiver.held.size;
      deliveriesPending = await pendingDeliveries(stack);
    } finally {
      await receiver.close();
    }

    progress(
      `e2e floor: the same buttons, bare MQTT echo through the same broker for ${durationMs} ms…`,
    );
    pipelineOn = false;
    const echoClient = await startEcho(stack, echo);
    try {
      const floor = await connected.loop('echo', durationMs);
      return {
        e2e,
        e2e_slow_webhook: {
          ...e2eSlowWebhook,
          webhook_requests_held: webhookRequests,
          deliveries_pending: deliveriesPending,
          p99_no_receiver_ms: noReceiver.p99_ms,
        },
        e2e_floor: floor,
        ...sleepy,
      };
    } finally {
      await echoClient.endAsync(true);
    }
  } finally {
    await buttons?.close();
    await stack.close();
    await store.close();
    await rm(dataDir, { recursive: true, force: true });
  }
}

export interface BrokerCpu {
  /**
   * CPU time of the broker's thread (this process's main thread: broker, topic rule, press
   * handler) per press in the row, or null where /proc does not say. 1000 divided by it is the
   * most presses per second that thread can take; unlike the row's rate it hardly moves when
   * other programs share the cores.
   */
  broker_cpu_ms_per_press: number | null;
}

/** A connected row with the CPU the broker's thread spent on it. */
async function withBrokerCpu(row: () => Promise<E2eFigures>): Promise<E2eFigures & BrokerCpu> {
  const before = mainThreadCpuMs();
  const figures = await row();
  const after = mainThreadCpuMs();
  const perPress =
    before === null || after === null || figures.presses === 0
      ? null
      : Math.round(((after - before) / figures.presses) * 1000) / 1000;
  return { ...figures, broker_cpu_ms_per_press: perPress };
}

const SLOW_RECEIVER_MS = 30_000;
/** Sleepy buttons per concurrent session: the open loop's sessions always find a free device. */
const SLEEPY_POOL = 4;
const WARM_UP_LIMIT_MS = 20_000;
const WARM_UP_MS = 5_000;
/**
 * Connected buttons per press in flight: a button presses once in every CONNECTED_POOL presses of
 * its slot, so its open orders stay few, as a real button's do.
 */
const CONNECTED_POOL = 8;

/** Deliveries still waiting: queued, or held by the slow receiver. */
async function pendingDeliveries(stack: RunningStack): Promise<number> {
  const store = new DynamoWebhookStore(stack.table);
  const later = Date.now() + 2 * SLOW_RECEIVER_MS + 3_600_000;
  return (await store.dueDeliveries(later, 100_000)).length;
}

/** An HTTPS receiver that holds every request 30 s before answering (closed early on close). */
async function startSlowReceiver(tls: { certPem: string; keyPem: string }) {
  const held = new Set<ServerResponse>();
  const server = createHttpsServer({ cert: tls.certPem, key: tls.keyPem }, (req, res) => {
    req.resume();
    held.add(res);
    const timer = setTimeout(() => {
      held.delete(res);
      res.writeHead(204).end();
    }, SLOW_RECEIVER_MS);
    res.on('close', () => {
      held.delete(res);
      clearTimeout(timer);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    /** Requests answered by neither the receiver nor a timeout yet. */
    held,
    url: `https://127.0.0.1:${port}/hooks`,
    close: async () => {
      for (const res of held) res.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** The bench brand's endpoint for every order event, and its signing secret. */
async function subscribeWebhook(stack: RunningStack, url: string): Promise<void> {
  const sku = demoSkus(Date.now())[0];
  if (!sku) throw new Error('no demo SKU');
  const webhooks = new Webhooks(new DynamoWebhookStore(stack.table), systemClock, () =>
    randomBytes(8).toString('hex'),
  );
  await webhooks.rotateSecret(sku.brandId);
  await webhooks.addEndpoint(sku.brandId, { url, eventTypes: [...WEBHOOK_EVENT_TYPES] });
}

/** The stack on free ports, its table on the given (in-memory) dynalite, no demo data, no sweep. */
export function benchStackConfig(dataDir: string, dynamodbEndpoint: string): StackConfig {
  return {
    host: '127.0.0.1',
    dataDir,
    mqttPort: 0,
    mqttTlsPort: 0,
    httpPort: 0,
    tableName: 'restock-bench',
    dynamodbEndpoint,
    sweepIntervalMs: 3_600_000,
    seedDemo: false,
  };
}

/** Connects one virtual button per device id (as `npm run press` does); transports are collected for closing. */
export async function connectButtons(
  stack: RunningStack,
  deviceIds: string[],
  transports: ButtonTransport[],
): Promise<VirtualButton[]> {
  const buttons: VirtualButton[] = [];
  for (const deviceId of deviceIds) {
    const deviceKey = (await stack.keySource.deviceKey(deviceId, 1)) as Uint8Array;
    const url = `mqtt://127.0.0.1:${stack.runtime.mqttPort}`;
    buttons.push(await connectedButton(url, deviceId, deviceKey, transports));
  }
  return buttons;
}

/** Bound to a demo SKU and claimed, so that every press of a fresh button orders. */
export async function registerButtons(stack: RunningStack, deviceIds: string[]): Promise<void> {
  const now = Date.now();
  const sku = demoSkus(now)[0];
  if (!sku) throw new Error('no demo SKU');
  const { table } = stack;
  await table.doc.send(new PutCommand({ TableName: table.name, Item: toSkuItem(sku) }));
  for (const deviceId of deviceIds) {
    const item = toButtonItem({
      deviceId,
      brandId: sku.brandId,
      serial: `BENCH-${deviceId}`,
      keyVersion: 1,
      householdId: 'hh-bench',
      // Every press orders (as every first press of a real button does): no cap on open orders,
      // and no burst window, which would answer a press milliseconds after the last IN_PROGRESS.
      settings: {
        ...DEFAULT_SETTINGS,
        skuId: sku.skuId,
        acceptedPriceCents: sku.priceCents,
        maxOpenOrders: 100_000,
        burstWindowSeconds: 0,
      },
      highWaterMark: 0,
      open: [],
      lastPressAt: null,
      batteryMv: null,
      createdAt: now,
    });
    await table.doc.send(
      new PutCommand({ TableName: table.name, Item: item as unknown as Record<string, unknown> }),
    );
  }
}

/** A service client that answers every press with the same bytes on the device's ack topic. */
async function startEcho(stack: RunningStack, echo: ServiceIdentity) {
  const client = connect(`mqtt://127.0.0.1:${stack.runtime.mqttPort}`, {
    protocolVersion: 4,
    clientId: 'bench-echo',
    username: echo.name,
    password: echo.secret,
    reconnectPeriod: 0,
  });
  await new Promise<void>((resolve, reject) => {
    client.once('connect', () => {
      (client.stream as { setNoDelay?: (on: boolean) => void }).setNoDelay?.(true);
      resolve();
    });
    client.once('error', reject);
    client.once('close', () => reject(new Error('echo client refused')));
  });
  client.on('message', (topic, payload) => {
    const parsed = parseTopic(topic);
    if (parsed) client.publish(ackTopic(parsed.deviceId), payload, { qos: 1 });
  });
  await client.subscribeAsync('restock/v1/+/press', { qos: 1 });
  return client;
}
