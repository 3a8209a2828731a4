/**
 * The connected buttons of the e2e rows, run in a worker thread of their own (see
 * e2e-connected.ts): real buttons are other machines, so their MQTT clients, signing and ack
 * checks must not run on the broker's event loop that the rows measure. Each button keeps its
 * connection; the main thread asks for closed loops of a given length and gets their figures.
 *
 * A loop keeps `concurrency` presses in flight, each slot pressing its own share of the buttons
 * in turn: a real button presses every few weeks and holds one or two open orders, while one
 * button pressed back to back collects an open order per press and makes every later press
 * read and rewrite a longer button item.
 */
import { performance } from 'node:perf_hooks';
import { parentPort, workerData } from 'node:worker_threads';
import { ackTopic, deriveDeviceKey, encodePress, pressTopic, signPress } from '#shared/index';
import { nodeSha256 } from '../cloud/core/sha256.ts';
import type { ButtonTransport, VirtualButton } from '../cloud/local/tools/virtual-button.ts';
import { connectedButton } from './connected-button.ts';

export interface E2eFigures {
  /** Presses in flight: the buttons pressing at once. */
  buttons: number;
  /** Buttons connected, each pressing in turn with the others of its slot. */
  connected_buttons: number;
  presses: number;
  presses_per_s: number;
  p50_ms: number;
  p99_ms: number;
}

export interface ConnectedWorkerData {
  mqttUrl: string;
  devices: { deviceId: string; deviceKey: Uint8Array }[];
  /** Presses in flight (at most one per button). */
  concurrency: number;
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
  // A few at a time (the broker checks each one's password against its device record), each
  // transport kept at its button's index: an echo publishes on the button's own connection.
  for (let i = 0; i < data.devices.length; i += CONNECTING_AT_ONCE) {
    const batch = data.devices.slice(i, i + CONNECTING_AT_ONCE);
    const connected = await Promise.all(
      batch.map(async ({ deviceId, deviceKey }) => {
        const own: ButtonTransport[] = [];
        const button = await connectedButton(data.mqttUrl, deviceId, deviceKey, own);
        return { button, transport: own[0] as ButtonTransport };
      }),
    );
    for (const { button, transport } of connected) {
      buttons.push(button);
      transports.push(transport);
    }
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
    const figures = await closedLoop(data.concurrency, buttons.length, request.durationMs, press);
    post({ kind: 'figures', figures });
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

const CONNECTING_AT_ONCE = 16;

/**
 * Each slot presses its next button as soon as its last press was answered, until the deadline;
 * slot s presses buttons s, s + slots, s + 2 × slots… in turn.
 */
async function closedLoop(
  slots: number,
  buttons: number,
  durationMs: number,
  press: (button: number) => Promise<unknown>,
): Promise<E2eFigures> {
  const latencies: number[] = [];
  const start = performance.now();
  const deadline = start + durationMs;
  await Promise.all(
    Array.from({ length: Math.min(slots, buttons) }, async (_, slot) => {
      const own = Math.ceil((buttons - slot) / slots);
      for (let turn = 0; performance.now() < deadline; turn++) {
        const button = slot + (turn % own) * slots;
        const t0 = performance.now();
        await press(button);
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
    buttons: Math.min(slots, buttons),
    connected_buttons: buttons,
    presses: latencies.length,
    presses_per_s: Math.round((latencies.length / elapsed) * 1000),
    p50_ms: round(at(50)),
    p99_ms: round(at(99)),
  };
}

if (parentPort) await main((workerData as { data: ConnectedWorkerData }).data);
