/**
 * The connected buttons of the e2e rows, run in a worker thread of their own (see
 * e2e-connected.ts): real buttons are other machines, so their MQTT clients, signing and ack
 * checks must not run on the broker's event loop that the rows measure. Each button keeps its
 * connection; the main thread asks for closed loops of a given length and gets their figures.
 */
import { performance } from 'node:perf_hooks';
import { parentPort, workerData } from 'node:worker_threads';
import { ackTopic, deriveDeviceKey, encodePress, pressTopic, signPress } from '#shared/index';
import { nodeSha256 } from '../cloud/core/sha256.ts';
import type { ButtonTransport, VirtualButton } from '../cloud/local/tools/virtual-button.ts';
import { connectedButton } from './connected-button.ts';

export interface E2eFigures {
  buttons: number;
  presses: number;
  presses_per_s: number;
  p50_ms: number;
  p99_ms: number;
}

export interface ConnectedWorkerData {
  mqttUrl: string;
  devices: { deviceId: string; deviceKey: Uint8Array }[];
}

/**
 * `press`: signed presses through the stack, each waiting for its verified ack. `echo`: a
 * press-sized payload, waiting for whatever comes back on the ack topic (the floor's echo).
 */
export type ConnectedRequest =
  | { kind: 'loop'; mode: 'press' | 'echo'; durationMs: number }
  | { kind: 'close' };

export type ConnectedWorkerMessage =
  | { kind: 'ready' }
  | { kind: 'figures'; figures: E2eFigures }
  | { kind: 'closed' };

async function main(data: ConnectedWorkerData): Promise<void> {
  const port = parentPort as NonNullable<typeof parentPort>;
  const post = (message: ConnectedWorkerMessage) => port.postMessage(message);
  const transports: ButtonTransport[] = [];
  const buttons: VirtualButton[] = [];
  for (const { deviceId, deviceKey } of data.devices) {
    buttons.push(await connectedButton(data.mqttUrl, deviceId, deviceKey, transports));
  }
  // Created on first use: a raw listener on a button's transport sees its acks too.
  let echoes: (() => Promise<void>)[] | null = null;
  port.on('message', async (request: ConnectedRequest) => {
    if (request.kind === 'close') {
      await Promise.all(transports.map((t) => t.close().catch(() => undefined)));
      post({ kind: 'closed' });
      return;
    }
    let press: (i: number) => Promise<unknown>;
    if (request.mode === 'press') {
      press = (i) => (buttons[i] as VirtualButton).press('SINGLE');
    } else {
      echoes ??= data.devices.map((d, i) =>
        echoPress(d.deviceId, transports[i] as ButtonTransport),
      );
      const raw = echoes;
      press = (i) => (raw[i] as () => Promise<void>)();
    }
    post({ kind: 'figures', figures: await closedLoop(buttons.length, request.durationMs, press) });
  });
  post({ kind: 'ready' });
}

/** Publishes a press-sized payload and waits for whatever comes back on its ack topic. */
function echoPress(deviceId: string, transport: ButtonTransport): () => Promise<void> {
  let waiting: (() => void) | null = null;
  transport.onMessage((topic) => {
    if (topic === ackTopic(deviceId) && waiting) waiting();
  });
  const payload = encodePress(
    signPress(nodeSha256, deriveDeviceKey(nodeSha256, new Uint8Array(32), deviceId, 1), {
      device: deviceId,
      seq: 1,
      click: 'SINGLE',
      battery_mv: 3000,
      attempt: 1,
      kv: 1,
    }),
  );
  return () =>
    new Promise<void>((resolve) => {
      waiting = () => {
        waiting = null;
        resolve();
      };
      void transport.publish(pressTopic(deviceId), payload);
    });
}

/** Every button presses again as soon as its last press was answered, until the deadline. */
async function closedLoop(
  buttons: number,
  durationMs: number,
  press: (button: number) => Promise<unknown>,
): Promise<E2eFigures> {
  const latencies: number[] = [];
  const start = performance.now();
  const deadline = start + durationMs;
  await Promise.all(
    Array.from({ length: buttons }, async (_, i) => {
      while (performance.now() < deadline) {
        const t0 = performance.now();
        await press(i);
        latencies.push(performance.now() - t0);
      }
    }),
  );
  const elapsed = performance.now() - start;
  const sorted = latencies.sort((a, b) => a - b);
  const at = (p: number) =>
    sorted.length === 0
      ? Number.NaN
      : (sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] as number);
  const round = (v: number) => Math.round(v * 100) / 100;
  return {
    buttons,
    presses: latencies.length,
    presses_per_s: Math.round((latencies.length / elapsed) * 1000),
    p50_ms: round(at(50)),
    p99_ms: round(at(99)),
  };
}

if (parentPort) await main((workerData as { data: ConnectedWorkerData }).data);
