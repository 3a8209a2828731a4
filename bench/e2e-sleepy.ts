/**
 * Sleepy buttons, as real ones behave: each press is a session of its own — connect, subscribe
 * to the ack topic, publish, wait for the ack, disconnect — over plain TCP (derived password) or
 * mutual TLS (device certificate). Per transport: the peak (closed loop, every slot starting its
 * next session as soon as the last one ended) and p50/p99 at 50 % of that peak (open loop:
 * sessions start on a schedule, each on a device not in a session, timed from its scheduled
 * start to its ack). Figures only; nothing is asserted.
 */
import { performance } from 'node:perf_hooks';
import { mqttPasswordFor } from '#shared/index';
import { nodeSha256 } from '../cloud/core/sha256.ts';
import { ensureDevCa, ensureDeviceCertificate } from '../cloud/dev/dev-ca.ts';
import type { RunningStack } from '../cloud/local/stack.ts';
import { connectLocalTransport } from '../cloud/local/tools/button-transport.ts';
import { MemoryButtonStateStore, VirtualButton } from '../cloud/local/tools/virtual-button.ts';
import { percentile } from './load.ts';

export interface SleepyFigures {
  peak_presses_per_s: number;
  p50_ms: number;
  p99_ms: number;
}

export interface SleepyOptions {
  /** Sessions at once in the peak's closed loop. */
  concurrency: number;
  durationMs: number;
  progress: (message: string) => void;
}

/** One press as a whole session; resolves (after the disconnect) with when its ack came. */
/** As long as the ack wait: on a loaded machine a CONNECT's answer is part of the latency. */
const CONNECT_TIMEOUT_MS = 30_000;

type Session = (deviceId: string) => Promise<number>;

/** Both rows on a running stack whose `deviceIds` are registered and order on every press. */
export async function measureSleepy(
  stack: RunningStack,
  dataDir: string,
  deviceIds: string[],
  options: SleepyOptions,
): Promise<{ e2e_sleepy: SleepyFigures; e2e_sleepy_tls: SleepyFigures }> {
  const state = new MemoryButtonStateStore();
  options.progress(`e2e sleepy: a session per press over TCP (${deviceIds.length} buttons)…`);
  const e2eSleepy = await measureRow(
    sleepySession(stack, state, 'tcp', dataDir),
    deviceIds,
    options,
  );
  options.progress('e2e sleepy TLS: issuing device certificates…');
  const tls = sleepySession(stack, state, 'tls', dataDir);
  for (const deviceId of deviceIds) await tls.prepare(deviceId);
  options.progress('e2e sleepy TLS: a session per press over mutual TLS…');
  const e2eSleepyTls = await measureRow(tls, deviceIds, options);
  return { e2e_sleepy: e2eSleepy, e2e_sleepy_tls: e2eSleepyTls };
}

async function measureRow(
  session: { run: Session },
  deviceIds: string[],
  options: SleepyOptions,
): Promise<SleepyFigures> {
  const pool = new DevicePool(deviceIds);
  const peak = await closedLoop(session.run, pool, options.concurrency, options.durationMs);
  const latencies = await openLoop(session.run, pool, peak / 2, options.durationMs);
  return {
    peak_presses_per_s: Math.round(peak),
    p50_ms: round(percentile(latencies, 50)),
    p99_ms: round(percentile(latencies, 99)),
  };
}

function sleepySession(
  stack: RunningStack,
  state: MemoryButtonStateStore,
  kind: 'tcp' | 'tls',
  dataDir: string,
) {
  const certificates = new Map<string, { certPem: string; keyPem: string }>();
  let caCertPem = '';
  const connectButton = async (deviceId: string, deviceKey: Uint8Array) => {
    if (kind === 'tcp') {
      return connectLocalTransport({
        url: `mqtt://127.0.0.1:${stack.runtime.mqttPort}`,
        clientId: deviceId,
        username: deviceId,
        password: mqttPasswordFor(nodeSha256, deviceKey),
        connectTimeoutMs: CONNECT_TIMEOUT_MS,
      });
    }
    const cert = certificates.get(deviceId);
    if (!cert) throw new Error(`no certificate prepared for ${deviceId}`);
    return connectLocalTransport({
      url: `mqtts://127.0.0.1:${stack.runtime.mqttTlsPort}`,
      clientId: deviceId,
      tls: { caCertPem, ...cert },
      connectTimeoutMs: CONNECT_TIMEOUT_MS,
    });
  };
  return {
    prepare: async (deviceId: string) => {
      const ca = await ensureDevCa(dataDir);
      caCertPem = ca.caCertPem;
      certificates.set(deviceId, await ensureDeviceCertificate(dataDir, ca, deviceId));
    },
    run: async (deviceId: string) => {
      const deviceKey = (await stack.keySource.deviceKey(deviceId, 1)) as Uint8Array;
      const transport = await connectButton(deviceId, deviceKey);
      try {
        const button = new VirtualButton({
          deviceId,
          deviceKey,
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
    },
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
