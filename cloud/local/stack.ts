/**
 * The embedded stack for one machine: the store (dynalite on disk, or the endpoint
 * DYNAMODB_ENDPOINT names), the MQTT broker on TCP and mutual TLS, the local topic rule feeding
 * the press handler, the update topics' responder, and — through the injected pipeline — the
 * sweep timer, the outbox drain (order events, button events, update reports) and the HTTP API.
 * Everything is built here once and closed in reverse order, so Ctrl-C leaves no half-written
 * state: no new presses are taken, presses in flight finish, then the store closes.
 */
import { mkdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { type DynamoOtaStores, dynamoOtaStores } from '../api/ota-stores.ts';
import type { MasterKeys } from '../core/master-keys.ts';
import {
  type DeliveryPublisher,
  UpdateDelivery,
  type UpdateDeliveryDeps,
} from '../core/ota/delivery.ts';
import type { KeySource, Log } from '../core/ports.ts';
import { systemClock } from '../core/ports.ts';
import { nodeSha256 } from '../core/sha256.ts';
import { type DevCa, ensureDevCa } from '../dev/dev-ca.ts';
import { LocalConfigError } from '../dev/errors.ts';
import { readTextIfExists, writeFileAtomic } from '../dev/files.ts';
import { ensureMasterKey, keySourceFor } from '../dev/master-key-file.ts';
import { type DynaliteServer, startDynalite } from '../store/dynamo/dynalite-server.ts';
import { DynamoButtonStore } from '../store/dynamo/dynamo-button-store.ts';
import { ensureTable, openTable, type Table } from '../store/dynamo/table.ts';
import type { StackConfig } from './config.ts';
import { startDynaliteThread } from './dynalite-thread.ts';
import { BrokerAckPublisher } from './iot/ack-publisher.ts';
import { createBrokerPolicy, type RunningBroker, startBroker } from './iot/broker.ts';
import { brokerPublisher, startDeliveryResponder } from './iot/delivery-responder.ts';
import { CachedDeviceDirectory, TableDeviceDirectory } from './iot/device-directory.ts';
import type { ServiceIdentity } from './iot/policy.ts';
import { type HandlePress, type RunningTopicRule, startTopicRule } from './iot/topic-rule.ts';

/** What the pipeline (press service, sweep, API, demo data) is built from. */
export interface PipelineContext {
  config: StackConfig;
  table: Table;
  /** The table's endpoint (undefined: AWS), for store clients of the stack's other threads. */
  endpoint: string | undefined;
  keySource: KeySource;
  masterKeys: MasterKeys;
  ackPublisher: BrokerAckPublisher;
  /** Firmware images, update assignments and settings: the same ones the update topics serve. */
  ota: DynamoOtaStores;
  log: Log;
}

export interface Pipeline {
  handlePress: HandlePress;
  /**
   * Publishes the order events waiting in the table's outbox (dynalite has no streams) and hands
   * waiting update reports to their rollouts; runs after every press and every update report, on
   * a timer, and so after a restart. Returns how many events and reports went out.
   */
  drainOutbox?: () => Promise<number>;
  /** Runs the cancel-window sweep once (called on a timer). */
  sweep?: (now: number) => Promise<unknown>;
  /** Starts the HTTP API on the configured port; returns its URL and how to stop it. */
  startHttp?: (host: string, port: number) => Promise<{ url: string; close(): Promise<void> }>;
  /** Creates demo data where it is missing; returns lines for the banner. */
  seedDemo?: () => Promise<string[]>;
  /** Background jobs run on their own timers, one run at a time each (e.g. webhook delivery). */
  timers?: { name: string; intervalMs: number; run(): Promise<unknown> }[];
  close?: () => Promise<void>;
}

export type PipelineFactory = (context: PipelineContext) => Promise<Pipeline>;

export interface StackOptions {
  log: Log;
  pipeline: PipelineFactory;
  services?: readonly ServiceIdentity[];
}

export interface RuntimeInfo {
  pid: number;
  host: string;
  mqttPort: number;
  mqttTlsPort: number;
  httpPort: number | null;
  dynamodbEndpoint: string;
  startedAt: string;
}

export interface RunningStack {
  config: StackConfig;
  runtime: RuntimeInfo;
  ca: DevCa;
  table: Table;
  broker: RunningBroker;
  rule: RunningTopicRule;
  keySource: KeySource;
  demo: string[];
  store: string;
  sweepOnce(): Promise<void>;
  /** Resolves when every event committed before the call has been published. */
  drainOutbox(): Promise<void>;
  /**
   * Fault injection (the soak's `--faults`, SIGUSR2 to `npm start`): drops the broker with every
   * connection and presses in flight, stays down for `downMs`, and starts a new broker on the same
   * ports. Buttons reconnect and re-send (same sequence number); the store is untouched.
   */
  restartBroker(downMs?: number): Promise<void>;
  close(): Promise<void>;
}

export const RUNTIME_FILE = 'stack.json';

export async function startStack(
  config: StackConfig,
  options: StackOptions,
): Promise<RunningStack> {
  const { log } = options;
  const closers: (() => Promise<void>)[] = [];
  const closeAll = async () => {
    for (const close of closers.splice(0).reverse()) {
      try {
        await close();
      } catch (error) {
        log.error('shutdown step failed', { error: String(error) });
      }
    }
  };
  try {
    await mkdir(config.dataDir, { recursive: true });
    await refuseIfInUse(config.dataDir);
    const masterKeys = await ensureMasterKey(config.dataDir);
    const keySource = keySourceFor(masterKeys);
    const ca = await ensureDevCa(config.dataDir);

    let endpoint: string | undefined;
    let store: string;
    if (config.dynamodbEndpoint === undefined) {
      const dynalite = await startDynaliteIn(config.dataDir);
      closers.push(() => dynalite.close());
      endpoint = dynalite.endpoint;
      store = `dynalite on disk in ${join(config.dataDir, 'dynamodb')} (${endpoint})`;
    } else if (config.dynamodbEndpoint === 'aws') {
      endpoint = undefined;
      store = `AWS DynamoDB (${process.env.AWS_REGION ?? 'us-east-1'})`;
    } else {
      endpoint = config.dynamodbEndpoint;
      store = `DynamoDB endpoint ${endpoint}`;
    }
    const table = openTable({ tableName: config.tableName, endpoint });
    closers.push(async () => table.raw.destroy());
    const created = await ensureTable(table, (step) => log.info(step));
    log.info('store ready', { table: config.tableName, table_was: created });

    const policy = createBrokerPolicy({
      directory: new CachedDeviceDirectory(new TableDeviceDirectory(table), DIRECTORY_CACHE_MS),
      keySource,
      sha256: nodeSha256,
      services: options.services ?? [],
      log,
    });
    const brokerOptions = (port: number, tlsPort: number) => ({
      host: config.host,
      port,
      tlsPort,
      tls: { caCertPem: ca.caCertPem, certPem: ca.server.certPem, keyPem: ca.server.keyPem },
      policy,
      log,
    });
    let broker = await listenOrExplain(
      () => startBroker(brokerOptions(config.mqttPort, config.mqttTlsPort)),
      `MQTT ports ${config.mqttPort}/${config.mqttTlsPort}`,
      '--mqtt-port/--mqtts-port (RESTOCK_MQTT_PORT/RESTOCK_MQTTS_PORT)',
    );
    closers.push(() => broker.close());

    const ackPublisher = new BrokerAckPublisher(broker.aedes);
    const ota = dynamoOtaStores(table, systemClock);
    const pipeline = await options.pipeline({
      config,
      table,
      endpoint,
      keySource,
      masterKeys,
      ackPublisher,
      ota,
      log,
    });
    if (pipeline.close) closers.push(pipeline.close);
    const demo = config.seedDemo && pipeline.seedDemo ? await pipeline.seedDemo() : [];

    const outbox = startOutboxLoop(pipeline.drainOutbox, log);
    closers.push(outbox.stop);
    const handlePress: HandlePress = async (event) => {
      const result = await pipeline.handlePress(event);
      outbox.soon();
      return result;
    };
    const ruleFor = (aedes: RunningBroker['aedes']) =>
      startTopicRule({ aedes, handlePress, clock: systemClock, log });
    let rule = await ruleFor(broker.aedes);
    // Closed before the broker: stop taking presses, let those in flight finish.
    closers.push(() => rule.close());
    const delivery = updateDelivery(
      table,
      ota,
      keySource,
      brokerPublisher(() => broker.aedes),
      // The report is in the table's outbox already; the drain hands it to its rollout now.
      async (event) => {
        log.info('update.reported', { ...event });
        outbox.soon();
      },
      log,
    );
    let responder = await startDeliveryResponder(broker.aedes, delivery, log);
    closers.push(() => responder.close());

    let httpPort: number | null = null;
    if (pipeline.startHttp) {
      const http = await listenOrExplain(
        () =>
          (pipeline.startHttp as NonNullable<Pipeline['startHttp']>)(config.host, config.httpPort),
        `HTTP port ${config.httpPort}`,
        '--http-port (RESTOCK_HTTP_PORT)',
      );
      httpPort = Number(new URL(http.url).port);
      closers.push(() => http.close());
    }

    let sweeping: Promise<void> | null = null;
    const sweepOnce = async () => {
      if (!pipeline.sweep || sweeping) return sweeping ?? undefined;
      const sweep = pipeline.sweep;
      // The order timers the sweep reads are filed by the outbox's consumers: a drain first
      // covers every order committed before this sweep.
      sweeping = outbox
        .drain()
        .then(() => sweep(systemClock.now()))
        .then(
          () => undefined,
          (error: unknown) => log.error('sweep failed', { error: String(error) }),
        )
        .finally(() => {
          sweeping = null;
        });
      return sweeping;
    };
    if (pipeline.sweep) {
      const timer = setInterval(() => void sweepOnce(), config.sweepIntervalMs);
      closers.push(async () => {
        clearInterval(timer);
        await sweeping;
      });
    }

    for (const job of pipeline.timers ?? []) {
      let running: Promise<void> | null = null;
      const timer = setInterval(() => {
        if (running) return;
        running = job
          .run()
          .then(
            () => undefined,
            (error: unknown) => log.error(`${job.name} failed`, { error: String(error) }),
          )
          .finally(() => {
            running = null;
          });
      }, job.intervalMs);
      closers.push(async () => {
        clearInterval(timer);
        await running;
      });
    }

    const runtime: RuntimeInfo = {
      pid: process.pid,
      host: config.host,
      mqttPort: broker.port as number,
      mqttTlsPort: broker.tlsPort as number,
      httpPort,
      dynamodbEndpoint: endpoint ?? 'aws',
      startedAt: new Date().toISOString(),
    };
    const runtimePath = join(config.dataDir, RUNTIME_FILE);
    await writeFileAtomic(runtimePath, `${JSON.stringify(runtime, null, 2)}\n`);
    closers.push(() => rm(runtimePath, { force: true }));

    let restarting: Promise<void> | null = null;
    const restartBroker = async (downMs = 1_000) => {
      if (restarting) return restarting;
      restarting = (async () => {
        log.warn('broker restart (fault injection)', { downMs });
        // No waiting for presses in flight: their acks may go to the new broker or be lost.
        await rule.close(0);
        await broker.close();
        await new Promise((resolve) => setTimeout(resolve, downMs));
        broker = await startBroker(brokerOptions(runtime.mqttPort, runtime.mqttTlsPort));
        ackPublisher.use(broker.aedes);
        rule = await ruleFor(broker.aedes);
        responder = await startDeliveryResponder(broker.aedes, delivery, log);
        log.warn('broker restarted', { mqttPort: broker.port, mqttTlsPort: broker.tlsPort });
      })().finally(() => {
        restarting = null;
      });
      return restarting;
    };

    return {
      config,
      runtime,
      ca,
      table,
      get broker() {
        return broker;
      },
      get rule() {
        return rule;
      },
      keySource,
      demo,
      store,
      sweepOnce,
      drainOutbox: outbox.drain,
      restartBroker,
      close: async () => {
        await restarting?.catch(() => undefined);
        await closeAll();
      },
    };
  } catch (error) {
    await closeAll();
    throw error;
  }
}

const OUTBOX_INTERVAL_MS = 250;
/**
 * How long a press waits before it starts a drain: every press that lands meanwhile rides on the
 * same one. A drain costs several index queries however few events it carries, so one per press
 * would spend most of the broker's event loop on empty queries.
 */
const OUTBOX_SOON_MS = 20;
/**
 * How long the broker trusts a device it looked up: sleepy buttons connect for every press, and
 * a CONNECT then costs no store read. What it remembers of a registered button (that it exists,
 * its key version) changes only when its key rotates, which the broker sees at once (see
 * CachedDeviceDirectory). A short time would have every button that presses less often read
 * its item on each CONNECT.
 */
const DIRECTORY_CACHE_MS = 3_600_000;

/**
 * Drains the outbox now and then on a timer, one drain at a time: a call during a drain waits
 * for one more full drain, so what it asked for is covered. Failures are logged and retried.
 */
function startOutboxLoop(drainOutbox: Pipeline['drainOutbox'], log: Log) {
  let running: Promise<void> | null = null;
  let next: Promise<void> | null = null;
  // A press that finishes after the stop leaves its events in the table for the next start.
  let stopped = false;
  const once = async () => {
    try {
      await drainOutbox?.();
    } catch (error) {
      log.error('outbox drain failed', { error: String(error) });
    }
  };
  const drain = (): Promise<void> => {
    if (!drainOutbox || stopped) return Promise.resolve();
    if (!running) {
      running = once().finally(() => {
        running = null;
      });
      return running;
    }
    next ??= running.then(() => {
      next = null;
      return drain();
    });
    return next;
  };
  let soon: NodeJS.Timeout | null = null;
  const timer = setInterval(() => void drain(), OUTBOX_INTERVAL_MS);
  return {
    drain,
    /** A drain shortly (see OUTBOX_SOON_MS), shared by everything that asks meanwhile. */
    soon: () => {
      soon ??= setTimeout(() => {
        soon = null;
        void drain();
      }, OUTBOX_SOON_MS);
    },
    stop: async () => {
      stopped = true;
      clearInterval(timer);
      if (soon) clearTimeout(soon);
      await next;
      await running;
    },
  };
}

/** One stack per data folder: the store's files are not shareable between processes. */
async function refuseIfInUse(dataDir: string): Promise<void> {
  const text = await readTextIfExists(join(dataDir, RUNTIME_FILE));
  if (text === null) return;
  let pid: unknown;
  try {
    pid = (JSON.parse(text) as Partial<RuntimeInfo>).pid;
  } catch {
    return; // a torn file from a crash: nobody owns it
  }
  if (typeof pid !== 'number' || pid === process.pid || !isAlive(pid)) return;
  throw new LocalConfigError(
    `another npm start (process ${pid}) is using the data folder ${dataDir}: stop it first, or pass another --data-dir`,
    { dataDir, pid },
  );
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

async function startDynaliteIn(dataDir: string): Promise<DynaliteServer> {
  const path = join(dataDir, 'dynamodb');
  await mkdir(path, { recursive: true });
  try {
    // The store off the broker's event loop unless asked otherwise (RESTOCK_STORE_THREAD=0).
    const thread = process.env.RESTOCK_STORE_THREAD;
    if (thread === '0' || thread === 'false') return await startDynalite({ path });
    return await startDynaliteThread(path);
  } catch (error) {
    throw new LocalConfigError(
      `the store in ${path} cannot be opened (${(error as Error).message}): is another npm start using this data folder? Stop it, or pass another --data-dir`,
      { path },
      error,
    );
  }
}

async function listenOrExplain<T>(start: () => Promise<T>, what: string, fix: string): Promise<T> {
  try {
    return await start();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EADDRINUSE') {
      throw new LocalConfigError(
        `${what}: address already in use — stop whatever listens there (another npm start, or a system mosquitto: systemctl stop mosquitto), or choose other ports with ${fix}`,
        { what },
        error,
      );
    }
    throw error;
  }
}

/** Updates and settings served from the table, as AWS IoT Jobs, streams and shadows would. */
function updateDelivery(
  table: Table,
  ota: DynamoOtaStores,
  keys: KeySource,
  publisher: DeliveryPublisher,
  reported: UpdateDeliveryDeps['reported'],
  log: Log,
): UpdateDelivery {
  return new UpdateDelivery({
    buttons: new DynamoButtonStore(table),
    images: ota.firmware,
    assignments: ota.updates,
    settings: ota.deviceSettings,
    keys,
    sha256: nodeSha256,
    publisher,
    reported,
    clock: systemClock,
    log,
  });
}
