/**
 * The sleepy buttons of the e2e_sleepy rows, run in a worker thread of their own (see
 * e2e-sleepy.ts): real buttons are other machines, so their MQTT clients and their half of every
 * TLS handshake must not run on the broker's event loop that the rows measure.
 */
import { performance } from 'node:perf_hooks';
import { parentPort, workerData } from 'node:worker_threads';
import { mqttPasswordFor } from '#shared/index';
import { nodeSha256 } from '../cloud/core/sha256.ts';
import { connectLocalTransport } from '../cloud/local/tools/button-transport.ts';
import { MemoryButtonStateStore, VirtualButton } from '../cloud/local/tools/virtual-button.ts';
import { percentile } from './load.ts';

export interface SleepyFigures {
  peak_presses_per_s: number;
  p50_ms: number;
  p99_ms: number;
}

/** What the worker is given: where the broker listens, and every device with its secrets. */
export interface SleepyWorkerData {
  mqttUrl: string;
  mqttsUrl: string;
  caCertPem: string;
  devices: { deviceId: string; deviceKey: Uint8Array; certPem: string; keyPem: string }[];
  /** Sessions at once in the peak's closed loop. */
  concurrency: number;
  durationMs: number;
  /** Unmeasured sessions before each row, as the connected row has. */
  warmUpMs: number;
}

export type SleepyWorkerMessage =
  | { kind: 'progress'; message: string }
  /** Asks the stack to catch up with what earlier presses left for after their acks. */
  | { kind: 'catch-up' }
  | { kind: 'done'; e2e_sleepy: SleepyFigures; e2e_sleepy_tls: SleepyFigures };

/** As long as the ack wait: on a loaded machine a CONNECT's answer is part of the latency. */
const CONNECT_TIMEOUT_MS = 30_000;

/** One press as a whole session; resolves (after the disconnect) with when its ack came. */
type Session = (deviceId: string) => Promise<number>;

/** The main thread's answer to a catch-up request. */
export type SleepyWorkerRequest = { kind: 'caught-up' };

const post = (message: SleepyWorkerMessage) => parentPort?.postMessage(message);

/**
 * Resolves once the stack has drained what the presses so far left behind: a row's figures are
 * then its own, not the backlog of the peak (or of the row) before it.
 */
function catchUp(): Promise<void> {
  return new Promise((resolve) => {
    parentPort?.once('message', (_: SleepyWorkerRequest) => resolve());
    post({ kind: 'catch-up' });
  });
}

async function main(data: SleepyWorkerData): Promise<void> {
  const deviceIds = data.devices.map((d) => d.deviceId);
  post({
    kind: 'progress',
    message: `e2e sleepy: a session per press over TCP (${deviceIds.length} buttons)…`,
  });
  const e2eSleepy = await measureRow(sleepySession(data, 'tcp'), deviceIds, data);
  post({ kind: 'progress', message: 'e2e sleepy TLS: a session per press over mutual TLS…' });
  const e2eSleepyTls = await measureRow(sleepySession(data, 'tls'), deviceIds, data);
  post({ kind: 'done', e2e_sleepy: e2eSleepy, e2e_sleepy_tls: e2eSleepyTls });
}

async function measureRow(
  session: Session,
  deviceIds: string[],
  data: SleepyWorkerData,
): Promise<SleepyFigures> {
  const pool = new DevicePool(deviceIds);
  // The first sessions of each transport compile its paths (in the broker and these clients).
  await closedLoop(session, pool, data.concurrency, data.warmUpMs);
  await catchUp();
  const peak = await closedLoop(session, pool, data.concurrency, data.durationMs);
  await catchUp();
  const latencies = await openLoop(session, pool, peak / 2, data.durationMs);
  return {
    peak_presses_per_s: Math.round(peak),
    p50_ms: round(percentile(latencies, 50)),
    p99_ms: round(percentile(latencies, 99)),
  };
}

function sleepySession(data: SleepyWorkerData, kind: 'tcp' | 'tls'): Session {
  const state = new MemoryButtonStateStore();
  const devices = new Map(data.devices.map((d) => [d.deviceId, d]));
  return async (deviceId) => {
    const device = devices.get(deviceId);
    if (!device) throw new Error(`no secrets for ${deviceId}`);
    const transport = await connectLocalTransport(
      kind === 'tcp'
        ? {
            url: data.mqttUrl,
            clientId: deviceId,
            username: deviceId,
            password: mqttPasswordFor(nodeSha256, device.deviceKey),
            connectTimeoutMs: CONNECT_TIMEOUT_MS,
          }
        : {
            url: data.mqttsUrl,
            clientId: deviceId,
            tls: { caCertPem: data.caCertPem, certPem: device.certPem, keyPem: device.keyPem },
            connectTimeoutMs: CONNECT_TIMEOUT_MS,
          },
    );
    try {
      const button = new VirtualButton({
        deviceId,
        deviceKey: device.deviceKey,
        keyVersion: 1,
        sha256: nodeSha256,
        transport,
        state,
        ackTimeoutMs: 30_000,
        maxAttempts: 1,
      });
      await button.press('SINGLE');
      return performance.now();
    } finally {
      await transport.close();
    }
  };
}

/** Devices not in a session; a session waits for one when all are busy (one session per id). */
class DevicePool {
  private readonly free: string[];
  private readonly waiting: ((deviceId: string) => void)[] = [];

  constructor(deviceIds: string[]) {
    this.free = [...deviceIds];
  }

  async take(): Promise<string> {
    const deviceId = this.free.shift();
    if (deviceId !== undefined) return deviceId;
    return new Promise((resolve) => this.waiting.push(resolve));
  }

  give(deviceId: string): void {
    const next = this.waiting.shift();
    if (next) next(deviceId);
    else this.free.push(deviceId);
  }
}

/** Sessions per second with `slots` sessions always under way. */
async function closedLoop(
  run: Session,
  pool: DevicePool,
  slots: number,
  durationMs: number,
): Promise<number> {
  let sessions = 0;
  const start = performance.now();
  const deadline = start + durationMs;
  await Promise.all(
    Array.from({ length: slots }, async () => {
      while (performance.now() < deadline) {
        const deviceId = await pool.take();
        try {
          await run(deviceId);
          sessions++;
        } finally {
          pool.give(deviceId);
        }
      }
    }),
  );
  return (sessions / (performance.now() - start)) * 1000;
}

/** Latencies (scheduled start → ack) of sessions started at `ratePerSecond`. */
async function openLoop(
  run: Session,
  pool: DevicePool,
  ratePerSecond: number,
  durationMs: number,
): Promise<number[]> {
  const count = Math.max(1, Math.floor((ratePerSecond * durationMs) / 1000));
  const interval = 1000 / ratePerSecond;
  const latencies: number[] = [];
  const sessions: Promise<void>[] = [];
  const start = performance.now();
  for (let i = 0; i < count; i++) {
    const scheduled = start + i * interval;
    const wait = scheduled - performance.now();
    if (wait > 1) await new Promise((resolve) => setTimeout(resolve, wait));
    sessions.push(
      (async () => {
        const deviceId = await pool.take();
        try {
          latencies.push((await run(deviceId)) - scheduled);
        } finally {
          pool.give(deviceId);
        }
      })(),
    );
  }
  await Promise.all(sessions);
  return latencies;
}

function round(value: number): number {
  return Math.round(value * 100) / 100;
}

if (parentPort) await main((workerData as { data: SleepyWorkerData }).data);
