/**
 * The soak: `npm start` as a child process, a fleet registered through the fleet services,
 * sleepy virtual buttons (each press a session of its own: connect as its own thing, subscribe,
 * publish, wait for the ack, disconnect; or, with `sleepy: false`, one connection per button
 * kept open), and presses from the
 * firmware-faithful VirtualButton: sequence number saved before the first publish, every retry
 * the same sequence number with attempt + 1, only signed acks believed. A share of presses is
 * delivered twice on purpose (racing the original, or re-sent after its ack). With faults, the
 * broker is restarted and the whole stack process SIGKILLed and started again mid-run.
 * Afterwards every press sent is reconciled against the store.
 */
import { mkdir, mkdtemp, rm, statfs } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import {
  ackTopic,
  decodeAck,
  encodePress,
  mqttPasswordFor,
  pressTopic,
  signPress,
} from '#shared/index';
import { BATTERY } from '../../cloud/core/health/battery.ts';
import type { KeySource } from '../../cloud/core/ports.ts';
import { nodeSha256 } from '../../cloud/core/sha256.ts';
import { ensureMasterKey, keySourceFor } from '../../cloud/dev/master-key-file.ts';
import type { RuntimeInfo } from '../../cloud/local/stack.ts';
import { connectLocalTransport } from '../../cloud/local/tools/button-transport.ts';
import { VirtualButtonError } from '../../cloud/local/tools/errors.ts';
import { freePorts } from '../../cloud/local/tools/free-ports.ts';
import {
  type ButtonTransport,
  MemoryButtonStateStore,
  type PressReport,
  VirtualButton,
} from '../../cloud/local/tools/virtual-button.ts';
import { batchGetInOrder, type Keyed, keyIdOf } from '../../cloud/store/dynamo/batch-get.ts';
import { queryIndexKeys } from '../../cloud/store/dynamo/index-query.ts';
import { openTable, type Table } from '../../cloud/store/dynamo/table.ts';
import { COMMIT_INDEX, COMMITS_PENDING } from '../../cloud/store/dynamo/table-keys.ts';
import { deviceIdFor, prepareCatalog, provisionButtons } from './provision.ts';
import { openSleepySession } from './sleepy-transport.ts';
import { rssOf, runtimeOf, type StackProcess, startStackProcess } from './stack-process.ts';

export interface SoakOptions {
  devices: number;
  presses: number;
  /** Share (0–1) of presses delivered a second time on purpose. */
  duplicates: number;
  faults: boolean;
  /** Presses in flight at once across the fleet (closed loop). */
  concurrency: number;
  /** Per-attempt ack timeout of a button before it re-sends (same seq). */
  ackTimeoutMs: number;
  /** Stop starting new presses after this long (the reconciliation still runs). */
  budgetMs: number;
  /** Keep the data folder (and the stack's log) afterwards. */
  keep: boolean;
  seed: number;
  /** Run the stack's store in a worker thread (RESTOCK_STORE_THREAD=1); false: one thread. */
  storeThread: boolean;
  /** A session (connect … disconnect) per press, as real buttons; false: always connected. */
  sleepy: boolean;
}

export const SOAK_DEFAULTS: SoakOptions = {
  devices: 10_000,
  presses: 100_000,
  duplicates: 0.05,
  faults: false,
  concurrency: 48,
  ackTimeoutMs: 5_000,
  budgetMs: 13 * 60_000,
  keep: false,
  seed: 1,
  storeThread: true,
  sleepy: true,
};

/**
 * Buttons are registered in chunks, several at once: with one chunk at a time (a dozen sequential
 * store calls per button) the presses waited for buttons, and the rate measured was registration's.
 */
const PROVISION_CHUNK = 250;
const PROVISION_CHUNKS_AT_ONCE = 4;

/**
 * After a lost connection or a refused connect a button waits before it tries again, as the
 * firmware's back-off does (doubling from a base up to a cap), scaled from its 30 s base to the
 * soak's time and jittered over the whole interval so that a restarted broker is not met by the
 * whole fleet at once.
 */
const BACKOFF_BASE_MS = 250;
const BACKOFF_MAX_MS = 4_000;
/** The firmware's limits for one wake: CONNECT → CONNACK, and publishes of one press. */
const CONNECT_TIMEOUT_MS = 10_000;
const SENDS_PER_WAKE = 2;

/** A button on one connection: a sleepy button's wake, or a connection kept open. */
interface Session {
  button: VirtualButton;
  transport: ButtonTransport;
  /** Settles when the connection is gone; null for a connection that reconnects itself. */
  lost: Promise<void> | null;
  /** The wake is over: its VirtualButton no longer writes the button's state. */
  end(): void;
}

export interface SoakResult {
  sent: number;
  acked: number;
  orders: number;
  duplicate_orders: number;
  lost: number;
  orders_without_ack: number;
  p50_ms: number;
  p99_ms: number;
  peak_rss_mb: number;
  /** The anonymous part of the stack's RSS at its highest (peak_rss_mb also counts mapped files). */
  peak_rss_anon_mb: number;
  // extras
  devices: number;
  presses_planned: number;
  duplicates_sent: number;
  publishes: number;
  retried_presses: number;
  acked_not_recorded: number;
  ack_conflicts: number;
  outcomes: Record<string, number>;
  max_ms: number;
  /** The longest press (start → ack) among those still under way at a fault or started after. */
  max_after_fault_ms: number | null;
  /** Per fault, the longest press under way at it or started after it and before the next. */
  max_after_each_fault_ms: number[];
  press_rate_per_s: number;
  /** Acks per second before the first fault, between faults, and after the last. */
  press_rates_per_s: number[];
  faults: string[];
  phases_s: Record<string, number>;
  data_dir?: string;
}

export type SoakProgress =
  | {
      /** relay: the stack's commit relay writing the items acked presses owe (buttons left). */
      phase: 'start' | 'connect' | 'provision' | 'relay' | 'reconcile' | 'stop';
      done: number;
      total: number;
    }
  | {
      phase: 'press';
      done: number;
      total: number;
      sent: number;
      inFlight: number;
      online: number;
    }
  | { phase: 'fault'; message: string }
  /** What the buttons saw, as JSON, before the stack's relay and stop (which may take long). */
  | { phase: 'pressed'; message: string };

interface PressRecord {
  deviceId: string;
  seq: number;
  startedAt: number;
  latencyMs: number | null;
  outcome: string | null;
  orderId: string | null;
  attempts: number;
}

/** Deterministic pseudo-random numbers (mulberry32), so a run can be repeated. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** `promise`, or a rejection once `ms` have passed. */
async function within<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

async function pool<T>(items: readonly T[], size: number, run: (item: T) => Promise<void>) {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(size, items.length) }, async () => {
      while (next < items.length) await run(items[next++] as T);
    }),
  );
}

export async function runSoak(
  options: SoakOptions,
  progress: (p: SoakProgress) => void = () => {},
): Promise<SoakResult> {
  const rand = random(options.seed);
  const phases: Record<string, number> = {};
  let phaseStart = performance.now();
  const phaseDone = (name: string) => {
    const now = performance.now();
    phases[name] = Math.round((now - phaseStart) / 100) / 10;
    phaseStart = now;
  };
  const root = await mkdtemp(join(tmpdir(), 'restock-soak-'));
  const dataDir = join(root, 'data');
  await mkdir(dataDir);
  const logFile = join(root, 'stack.log');
  const ports = await freePorts(3);
  const faults: string[] = [];

  // The stack process, its memory, and its restarts.
  // The stack logs at warn (refusals, failures, faults): the presses are reconciled from the
  // store, and 400 000 console lines would cost the pipeline's thread several percent.
  const env = {
    RESTOCK_STORE_THREAD: options.storeThread ? '1' : '0',
    RESTOCK_LOG_LEVEL: process.env.RESTOCK_LOG_LEVEL ?? 'warn',
  };
  let stack: StackProcess = startStackProcess(dataDir, ports, logFile, ['--no-demo'], env);
  const children: StackProcess[] = [stack];
  let peakRss = 0;
  let peakAnon = 0;
  const sampleRss = async () => {
    const pid = stack.child.pid;
    if (pid === undefined) return;
    const rss = await rssOf(pid);
    if (!rss) return;
    peakRss = Math.max(peakRss, rss.hwmMb, rss.rssMb);
    peakAnon = Math.max(peakAnon, rss.anonMb);
  };
  const rssTimer = setInterval(() => void sampleRss(), 500);
  // The stack's store can grow by tens of GB in a default run (bench/PERFORMANCE.md), on a disk
  // other programs share: the run is stopped, and the stack with it, before the disk is full.
  const disk = watchDisk(root, () => {
    for (const c of children) c.child.kill('SIGKILL');
  });
  const unlessDiskFull = <T>(work: Promise<T>) => Promise.race([work, disk.full]);
  const transports: ButtonTransport[] = [];
  let table: Table | undefined;

  try {
    progress({ phase: 'start', done: 0, total: 1 });
    let runtime: RuntimeInfo = await runtimeOf(dataDir, stack, logFile);
    table = openTable({ tableName: 'restock', endpoint: runtime.dynamodbEndpoint });
    const keySource: KeySource = keySourceFor(await ensureMasterKey(dataDir));

    const budgetEnd = performance.now() + options.budgetMs;
    const pressStart = performance.now();
    const deviceIds = Array.from({ length: options.devices }, (_, i) => deviceIdFor(i));
    await prepareCatalog(table, options.devices);
    phaseDone('start');

    // One connection per button, authenticated as that thing, reconnecting as the firmware
    // does on its next wake.
    const keys = new Map<string, Uint8Array>();
    for (const id of deviceIds) keys.set(id, (await keySource.deviceKey(id, 1)) as Uint8Array);
    const buttons = new Map<string, { button: VirtualButton; transport: ButtonTransport }>();
    const states = new Map<string, MemoryButtonStateStore>();
    const attemptListeners = new Map<string, (seq: number) => void>();
    const ackOrders = new Map<string, Set<string>>();
    const backoff = async (failures: number) => {
      const cap = Math.min(BACKOFF_MAX_MS, BACKOFF_BASE_MS * 2 ** Math.min(failures, 8));
      await sleep(Math.floor(rand() * cap));
    };
    /** A button's connection: mqtt.js kept open (connected mode), or one wake (sleepy). */
    const connect = async (id: string): Promise<ButtonTransport & { closed?: Promise<void> }> => {
      const password = mqttPasswordFor(nodeSha256, keys.get(id) as Uint8Array);
      for (let failures = 0; ; failures++) {
        try {
          if (options.sleepy) {
            return await openSleepySession({
              host: '127.0.0.1',
              port: runtime.mqttPort,
              clientId: id,
              password,
              timeoutMs: CONNECT_TIMEOUT_MS,
            });
          }
          return await connectLocalTransport({
            url: `mqtt://127.0.0.1:${runtime.mqttPort}`,
            clientId: id,
            username: id,
            password,
            connectTimeoutMs: 60_000,
            reconnectMs: 1_000 + Math.floor(rand() * 1_000),
          });
        } catch {
          await backoff(failures); // the stack is down (a fault): try again, as a button would
        }
      }
    };
    const openSession = async (id: string): Promise<Session> => {
      for (let failures = 0; ; failures++) {
        const transport = await connect(id);
        const session = sessionOn(id, transport);
        try {
          // A connection lost before SUBACK never answers the subscribe: give up on it in time.
          await within(session.button.start(), options.ackTimeoutMs);
          if (!options.sleepy) transports.push(transport);
          return session;
        } catch {
          session.end();
          await transport.close().catch(() => undefined);
          await backoff(failures);
        }
      }
    };
    const sessionOn = (
      id: string,
      transport: ButtonTransport & { closed?: Promise<void> },
    ): Session => {
      // Every ack any delivery of a press produced: they must all name the same order.
      transport.onMessage((topic, payload) => {
        if (topic !== ackTopic(id)) return;
        const decoded = decodeAck(payload);
        if (!decoded.ok || !decoded.message.order) return;
        const k = `${id}#${decoded.message.seq}`;
        let set = ackOrders.get(k);
        if (!set) {
          set = new Set();
          ackOrders.set(k, set);
        }
        set.add(decoded.message.order);
      });
      let state = states.get(id);
      if (!state) {
        state = new MemoryButtonStateStore();
        states.set(id, state);
      }
      // A wake that ended (its connection lost) may still have a VirtualButton waiting out its
      // ack timeout: from then on it neither writes the button's flash nor counts as an attempt.
      const flash = state;
      let awake = true;
      const button = new VirtualButton({
        deviceId: id,
        deviceKey: keys.get(id) as Uint8Array,
        keyVersion: 1,
        sha256: nodeSha256,
        transport,
        state: {
          load: (deviceId) => flash.load(deviceId),
          save: async (deviceId, next) => {
            if (awake) await flash.save(deviceId, next);
          },
        },
        ackTimeoutMs: options.ackTimeoutMs,
        maxAttempts: options.sleepy ? SENDS_PER_WAKE : 3,
        onEvent: (event) => {
          if (awake && event.kind === 'attempt') attemptListeners.get(id)?.(event.seq);
        },
      });
      return {
        button,
        transport,
        lost: transport.closed ?? null,
        end: () => {
          awake = false;
        },
      };
    };
    const connectButton = async (id: string) => {
      buttons.set(id, await openSession(id));
    };
    /** The button for one press: its open connection, or (sleepy) a wake of its own. */
    const sessionFor = async (id: string): Promise<Session> =>
      options.sleepy ? openSession(id) : (buttons.get(id) as Session);
    /** After a press got no ack: a sleepy button disconnects, backs off and wakes again. */
    const renew = async (id: string, session: Session): Promise<Session> => {
      if (!options.sleepy) return session;
      await endSession(session);
      await backoff(0);
      return openSession(id);
    };
    const endSession = async (session: Session) => {
      if (!options.sleepy) return;
      session.end();
      await session.transport.close().catch(() => undefined);
    };

    // The plan: each button gets its share of the presses, handed out round-robin. Buttons are
    // provisioned and connected in chunks while the first ones already press (the registration
    // traffic goes to the store thread, the presses mostly load the pipeline's thread).
    const queue: string[] = [];
    const perDevice = Math.floor(options.presses / options.devices);
    const extra = options.presses % options.devices;
    const remaining = new Map(deviceIds.map((id, i) => [id, perDevice + (i < extra ? 1 : 0)]));
    let online = 0;
    let provisioning = true;
    const chunks: number[][] = [];
    for (let from = 0; from < options.devices; from += PROVISION_CHUNK) {
      const length = Math.min(PROVISION_CHUNK, options.devices - from);
      chunks.push(Array.from({ length }, (_, k) => from + k));
    }
    const provisioner = (async () => {
      await pool(chunks, PROVISION_CHUNKS_AT_ONCE, async (indexes) => {
        for (;;) {
          try {
            await provisionButtons(table as Table, keySource, indexes);
            break;
          } catch {
            await sleep(1_000); // the stack was killed under us (a fault): retry, idempotently
          }
        }
        const ids = indexes.map(deviceIdFor);
        if (!options.sleepy) await pool(ids, 32, connectButton);
        for (const id of ids) if ((remaining.get(id) as number) > 0) queue.push(id);
        online += ids.length;
        progress({ phase: 'provision', done: online, total: options.devices });
      });
      provisioning = false;
      phases.online_s = Math.round((performance.now() - pressStart) / 100) / 10;
    })();
    provisioner.catch(() => undefined);

    const records: PressRecord[] = [];
    let acked = 0;
    let publishes = 0;
    let duplicatesSent = 0;
    let inFlight = 0;
    let mismatches = 0;

    // Faults, triggered by progress: broker restart at 30 %, SIGKILL of the stack at 60 %.
    const faultPlan = options.faults
      ? [
          { at: 0.3, kind: 'broker' as const },
          { at: 0.6, kind: 'kill' as const },
        ]
      : [];
    let faultRunning: Promise<void> = Promise.resolve();
    /** When each fault struck, and how many acks the buttons had by then. */
    const faultMarks: { at: number; acked: number }[] = [];
    const fire = (kind: 'broker' | 'kill') => {
      faultMarks.push({ at: performance.now(), acked });
      faultRunning = (async () => {
        const t0 = performance.now();
        if (kind === 'broker') {
          stack.child.kill('SIGUSR2');
          const note = `broker restarted (SIGUSR2) after ${acked} acks`;
          faults.push(note);
          progress({ phase: 'fault', message: note });
          return;
        }
        await sampleRss();
        stack.child.kill('SIGKILL');
        await stack.exited;
        await sleep(1_000);
        stack = startStackProcess(dataDir, ports, logFile, ['--no-demo'], env);
        children.push(stack);
        runtime = await runtimeOf(dataDir, stack, logFile);
        table?.raw.destroy();
        table = openTable({ tableName: 'restock', endpoint: runtime.dynamodbEndpoint });
        const note = `stack SIGKILLed after ${acked} acks and started again in ${Math.round(performance.now() - t0)} ms`;
        faults.push(note);
        progress({ phase: 'fault', message: note });
      })();
    };

    const deliverUntilAcked = async (
      id: string,
      session: { current: Session },
      first: (button: VirtualButton) => Promise<PressReport | null>,
    ): Promise<PressReport | null> => {
      let attemptFn = first;
      for (;;) {
        const attempt = attemptFn(session.current.button);
        // As the firmware does, a wake whose connection is lost ends there (no ack can come).
        const lost = session.current.lost?.then(() => 'lost' as const);
        const report = await (lost ? Promise.race([attempt, lost]) : attempt).catch(
          (error: unknown) => {
            if (error instanceof VirtualButtonError && error.code === 'NO_ACK') return 'no ack';
            throw error;
          },
        );
        if (typeof report === 'object') return report; // null: nothing pending (acked already)
        attempt.catch(() => undefined);
        // Past the budget the press stays pending (a real button would retry on its next wake).
        if (performance.now() > budgetEnd + 60_000) return null;
        session.current = await renew(id, session.current);
        attemptFn = (button) => button.resendPending();
      }
    };

    const worker = async () => {
      for (;;) {
        if (performance.now() > budgetEnd) return;
        const id = queue.shift();
        if (id === undefined) {
          if (!provisioning) return;
          await sleep(50);
          continue;
        }
        const left = (remaining.get(id) as number) - 1;
        remaining.set(id, left);
        const startedAt = performance.now();
        const record: PressRecord = {
          deviceId: id,
          seq: 0,
          startedAt,
          latencyMs: null,
          outcome: null,
          orderId: null,
          attempts: 0,
        };
        records.push(record);
        inFlight++;
        const session = { current: await sessionFor(id) };
        const duplicate = rand() < options.duplicates ? (rand() < 0.5 ? 'race' : 'after') : null;
        const key = keys.get(id) as Uint8Array;
        const onAttempt = (seq: number) => {
          record.seq = seq;
          record.attempts++;
          publishes++;
          if (duplicate === 'race' && record.attempts === 1) {
            // A second delivery of the very same press, racing the first through the pipeline.
            duplicatesSent++;
            publishes++;
            const press = signPress(nodeSha256, key, {
              device: id,
              seq,
              click: 'SINGLE',
              battery_mv: BATTERY.HEALTHY_MV,
              attempt: 1,
              kv: 1,
            });
            void session.current.transport
              .publish(pressTopic(id), encodePress(press))
              .catch(() => undefined);
          }
        };
        attemptListeners.set(id, onAttempt);
        const report = await deliverUntilAcked(id, session, (button) => button.press('SINGLE'));
        if (report) {
          record.latencyMs = performance.now() - startedAt;
          record.outcome = report.outcome;
          record.orderId = report.orderId;
          acked++;
          if (duplicate === 'after') {
            // The same press again after its ack (a lost ack, from the device's side).
            duplicatesSent++;
            publishes++;
            attemptListeners.delete(id);
            await (states.get(id) as MemoryButtonStateStore).save(id, {
              seq: report.seq,
              pending: {
                seq: report.seq,
                click: report.click,
                batteryMv: BATTERY.HEALTHY_MV,
                attempt: report.attempt,
              },
            });
            const again = await deliverUntilAcked(id, session, (button) => button.resendPending());
            if (again && (again.outcome !== report.outcome || again.orderId !== report.orderId)) {
              mismatches++;
            }
          }
        }
        attemptListeners.delete(id);
        await endSession(session.current);
        inFlight--;
        if (left > 0) queue.push(id);
        const due = faultPlan[0];
        if (due && acked >= due.at * options.presses) {
          faultPlan.shift();
          fire(due.kind);
        }
      }
    };
    const ticker = setInterval(
      () =>
        progress({
          phase: 'press',
          done: acked,
          total: options.presses,
          sent: records.length,
          inFlight,
          online,
        }),
      250,
    );
    try {
      await unlessDiskFull(Promise.all(Array.from({ length: options.concurrency }, worker)));
      await unlessDiskFull(provisioner);
      await unlessDiskFull(faultRunning);
    } finally {
      clearInterval(ticker);
    }
    const pressElapsed = performance.now() - pressStart;
    phaseDone('press');
    await sleep(500); // late acks of racing duplicates
    await sampleRss();
    await Promise.all(transports.map((t) => t.close().catch(() => undefined)));

    // What the buttons saw, told now: what follows waits for the stack and may take long.
    const sent = records.filter((r) => r.seq > 0);
    const latencies = sent
      .map((r) => r.latencyMs)
      .filter((v): v is number => v !== null)
      .sort((a, b) => a - b);
    const at = (p: number) =>
      latencies.length === 0
        ? Number.NaN
        : (latencies[
            Math.min(latencies.length - 1, Math.ceil((p / 100) * latencies.length) - 1)
          ] as number);
    const round = (v: number) => Math.round(v * 10) / 10;
    const pressing = {
      sent: sent.length,
      acked,
      p50_ms: round(at(50)),
      p99_ms: round(at(99)),
      max_ms: round(latencies.at(-1) ?? Number.NaN),
      max_after_fault_ms: longestAfter(sent, faultMarks[0]?.at ?? null),
      max_after_each_fault_ms: faultMarks.map((mark, i) =>
        longestBetween(sent, mark.at, faultMarks[i + 1]?.at ?? Number.POSITIVE_INFINITY),
      ),
      press_rate_per_s: Math.round((acked / pressElapsed) * 1000),
      press_rates_per_s: ratesBetween([
        { at: pressStart, acked: 0 },
        ...faultMarks,
        { at: pressStart + pressElapsed, acked },
      ]),
    };
    progress({
      phase: 'pressed',
      message: JSON.stringify({
        ...pressing,
        peak_rss_mb: Math.round(peakRss),
        peak_rss_anon_mb: Math.round(peakAnon),
      }),
    });

    // An order item follows its ack through the stack's commit relay: reconcile once it caught up.
    let owedAtFirst: number | null = null;
    await unlessDiskFull(
      commitsRelayed(table as Table, (owed) => {
        owedAtFirst ??= owed;
        progress({ phase: 'relay', done: owedAtFirst - owed, total: owedAtFirst });
      }),
    );
    phaseDone('relay');

    // Reconciliation: every button's partition, read back from the store.
    const byDevice = new Map<string, PressRecord[]>();
    for (const r of sent) {
      let list = byDevice.get(r.deviceId);
      if (!list) {
        list = [];
        byDevice.set(r.deviceId, list);
      }
      list.push(r);
    }
    let orders = 0;
    let duplicateOrders = 0;
    let lost = 0;
    let ordersWithoutAck = 0;
    let ackedNotRecorded = 0;
    let reconciled = 0;
    const liveTable = table as Table;
    await pool(deviceIds, 16, async (id) => {
      const items = await partition(liveTable, id);
      const orderSeqs = new Map<number, string[]>();
      const pressSeqs = new Set<number>();
      for (const item of items) {
        const sk = String(item.sk);
        if (!sk.startsWith('PRESS#')) continue;
        const seq = Number(sk.slice('PRESS#'.length));
        if (item.type === 'order') {
          orders++;
          const list = orderSeqs.get(seq) ?? [];
          list.push(String(item.orderId));
          orderSeqs.set(seq, list);
        } else {
          pressSeqs.add(seq);
        }
      }
      const mine = byDevice.get(id) ?? [];
      const ackedSeqs = new Set(mine.filter((r) => r.outcome !== null).map((r) => r.seq));
      for (const [seq, ids] of orderSeqs) {
        if (ids.length > 1 || new Set(ids).size !== ids.length) duplicateOrders += ids.length - 1;
        if (ids[0] !== `${id}-${seq}`) duplicateOrders++; // not the press's own order id
        if (!ackedSeqs.has(seq)) ordersWithoutAck++;
      }
      for (const r of mine) {
        const recorded = orderSeqs.has(r.seq) || pressSeqs.has(r.seq);
        if (r.outcome === null && !recorded) lost++;
        if (r.outcome !== null && !recorded) ackedNotRecorded++;
        if (r.outcome === 'ORDERED' && orderSeqs.get(r.seq)?.[0] !== r.orderId) ackedNotRecorded++;
      }
      progress({ phase: 'reconcile', done: ++reconciled, total: deviceIds.length });
    });
    // Two deliveries of one press answered with different orders.
    let ackConflicts = mismatches;
    for (const set of ackOrders.values()) if (set.size > 1) ackConflicts += set.size - 1;
    duplicateOrders += ackConflicts;
    phaseDone('reconcile');

    const outcomes: Record<string, number> = {};
    for (const r of sent) {
      const k = r.outcome ?? 'NO_ACK';
      outcomes[k] = (outcomes[k] ?? 0) + 1;
    }
    const result: SoakResult = {
      ...pressing,
      orders,
      duplicate_orders: duplicateOrders,
      lost,
      orders_without_ack: ordersWithoutAck,
      peak_rss_mb: Math.round(peakRss),
      peak_rss_anon_mb: Math.round(peakAnon),
      devices: options.devices,
      presses_planned: options.presses,
      duplicates_sent: duplicatesSent,
      publishes,
      retried_presses: sent.filter((r) => r.attempts > 1).length,
      acked_not_recorded: ackedNotRecorded,
      ack_conflicts: ackConflicts,
      outcomes,
      faults,
      phases_s: phases,
    };
    if (options.keep) result.data_dir = root;

    // The stack must still shut down cleanly after all that; it publishes the order events still
    // waiting in its outbox first, so the stop is a phase of its own (and RSS is sampled on).
    progress({ phase: 'stop', done: 0, total: 1 });
    stack.child.kill('SIGTERM');
    const exit = await unlessDiskFull(stack.exited);
    if (exit.code !== 0) faults.push(`stack exited with ${exit.code ?? exit.signal} on SIGTERM`);
    phaseDone('stop');
    result.peak_rss_mb = Math.round(peakRss);
    result.peak_rss_anon_mb = Math.round(peakAnon);
    progress({ phase: 'stop', done: 1, total: 1 });
    return result;
  } finally {
    clearInterval(rssTimer);
    disk.stop();
    await Promise.all(transports.map((t) => t.close().catch(() => undefined)));
    table?.raw.destroy();
    for (const c of children)
      if (c.child.exitCode === null && c.child.signalCode === null) c.child.kill('SIGKILL');
    await Promise.all(children.map((c) => c.exited));
    if (!options.keep) await rm(root, { recursive: true, force: true });
  }
}

async function partition(table: Table, deviceId: string): Promise<Record<string, unknown>[]> {
  const items: Record<string, unknown>[] = [];
  let start: Record<string, unknown> | undefined;
  do {
    const page = await table.doc.send(
      new QueryCommand({
        TableName: table.name,
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :press)',
        ExpressionAttributeValues: { ':pk': `BTN#${deviceId}`, ':press': 'PRESS#' },
        ConsistentRead: true,
        ExclusiveStartKey: start,
      }),
    );
    items.push(...((page.Items ?? []) as Record<string, unknown>[]));
    start = page.LastEvaluatedKey as Record<string, unknown> | undefined;
  } while (start);
  return items;
}

/** Free space on the disk of `folder` below which a run is stopped. */
const MIN_FREE_DISK_MB = 2_048;

/**
 * Checks the free space of `folder`'s disk every few seconds; below MIN_FREE_DISK_MB it calls
 * `stopStack` and `full` rejects, saying so.
 */
function watchDisk(folder: string, stopStack: () => void) {
  let reject: (error: Error) => void = () => {};
  const full = new Promise<never>((_, fail) => {
    reject = fail;
  });
  full.catch(() => undefined); // rejected only while someone races it
  const timer = setInterval(async () => {
    const disk = await statfs(folder).catch(() => null);
    if (!disk) return;
    const freeMb = (disk.bavail * disk.bsize) / 2 ** 20;
    if (freeMb >= MIN_FREE_DISK_MB) return;
    clearInterval(timer);
    stopStack();
    reject(
      new Error(
        `stopped: ${Math.round(freeMb)} MiB left on the disk of ${folder} (the stack's store grows fast at this size): free some space, or run a smaller --devices/--presses`,
      ),
    );
  }, 5_000);
  return { full, stop: () => clearInterval(timer) };
}

/** The longest press among those that ended after `at` (null: no fault happened). */
function longestAfter(records: PressRecord[], at: number | null): number | null {
  return at === null ? null : longestBetween(records, at, Number.POSITIVE_INFINITY);
}

/** The longest press that ended after `from` and started before `to`. */
function longestBetween(records: PressRecord[], from: number, to: number): number {
  let longest = 0;
  for (const r of records) {
    if (r.latencyMs !== null && r.startedAt + r.latencyMs >= from && r.startedAt < to) {
      longest = Math.max(longest, r.latencyMs);
    }
  }
  return Math.round(longest * 10) / 10;
}

/** Acks per second between consecutive marks. */
function ratesBetween(marks: { at: number; acked: number }[]): number[] {
  return marks.slice(1).map((mark, i) => {
    const previous = marks[i] as { at: number; acked: number };
    const seconds = (mark.at - previous.at) / 1000;
    return seconds > 0 ? Math.round((mark.acked - previous.acked) / seconds) : 0;
  });
}

/** Below this many listed buttons, the relay wait reads the buttons themselves. */
const READ_OWED_BUTTONS_BELOW = 500;

/**
 * Waits until no button is marked for the commit relay (every acked press has its items),
 * reporting how many buttons it still owes. The index is counted on every pass; the buttons are
 * read once few are listed, or when the count stopped moving: after a SIGKILL dynalite can keep
 * an index entry whose button was relayed since. Reading every listed button each second (some
 * 9 000 after the default soak's presses) loaded the store thread the relay itself waits on.
 */
async function commitsRelayed(table: Table, report: (owed: number) => void): Promise<void> {
  let listedBefore = -1;
  for (;;) {
    const listed = await owedButtonKeys(table);
    const stuck = listed.length === listedBefore;
    listedBefore = listed.length;
    const owed =
      listed.length < READ_OWED_BUTTONS_BELOW || stuck
        ? (await batchGetInOrder(table, 'soakCommitsOwed', listed)).filter(
            (item) => item?.commitPk === COMMITS_PENDING,
          ).length
        : listed.length;
    report(owed);
    if (owed === 0) return;
    await sleep(1_000);
  }
}

/** The keys of the buttons the commit index lists as owed, each once. */
async function owedButtonKeys(table: Table): Promise<Keyed[]> {
  const keys = new Map<string, Keyed>();
  let start: Record<string, unknown> | undefined;
  do {
    const page = await queryIndexKeys(table, 'soakCommitsOwed', {
      IndexName: COMMIT_INDEX,
      KeyConditionExpression: 'commitPk = :pending',
      ExpressionAttributeValues: { ':pending': COMMITS_PENDING },
      ExclusiveStartKey: start,
    });
    for (const key of page.keys) keys.set(keyIdOf(key), key);
    start = page.lastKey;
  } while (start);
  return [...keys.values()];
}
