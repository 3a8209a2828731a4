/**
 * End-to-end scaffolding: the local stack's configuration on free ports in a temporary data
 * folder, and virtual buttons that connect to it exactly as `npm run press` does.
 */

import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type ClickType, deriveDeviceKey, mqttPasswordFor, signPress } from '#shared/index';
import { orderEventsSince } from '../../cloud/core/events/order-events.ts';
import { OrderTimerFiler } from '../../cloud/core/events/order-timers.ts';
import type { Log } from '../../cloud/core/ports.ts';
import { pressEventFor } from '../../cloud/core/press/press-event.ts';
import { createPressPipeline } from '../../cloud/core/press/press-pipeline.ts';
import { nodeSha256 } from '../../cloud/core/sha256.ts';
import { ensureDevCa, ensureDeviceCertificate } from '../../cloud/dev/dev-ca.ts';
import { MASTER_KEY_FILE, parseMasterKeyFile } from '../../cloud/dev/master-key-file.ts';
import type { StackConfig } from '../../cloud/local/config.ts';
import type { RunningStack } from '../../cloud/local/stack.ts';
import { connectLocalTransport } from '../../cloud/local/tools/button-transport.ts';
import {
  type ButtonStateStore,
  type ButtonTransport,
  FileButtonStateStore,
  VirtualButton,
} from '../../cloud/local/tools/virtual-button.ts';
import { DynamoOrderStore } from '../../cloud/store/dynamo/dynamo-order-store.ts';
import { DynamoPressStore } from '../../cloud/store/dynamo/dynamo-press-store.ts';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';

export async function tempDir(): Promise<{ dir: string; remove(): Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), 'restock-e2e-'));
  return { dir, remove: () => rm(dir, { recursive: true, force: true }) };
}

export function stackConfig(dataDir: string, overrides: Partial<StackConfig> = {}): StackConfig {
  return {
    host: '127.0.0.1',
    dataDir,
    mqttPort: 0,
    mqttTlsPort: 0,
    httpPort: 0,
    tableName: 'restock',
    dynamodbEndpoint: undefined,
    sweepIntervalMs: 60_000,
    seedDemo: true,
    ...overrides,
  };
}

export function quietLog(): Log & { lines: string[] } {
  const lines: string[] = [];
  const push = (level: string) => (message: string, data?: Record<string, unknown>) => {
    lines.push(`${level} ${message} ${data ? JSON.stringify(data) : ''}`);
  };
  return { lines, info: push('info'), warn: push('warn'), error: push('error') };
}

export { freePorts } from '../../cloud/local/tools/free-ports.ts';

export interface ButtonOptions {
  dataDir: string;
  deviceId: string;
  port: number;
  tls?: { port: number };
  state?: ButtonStateStore;
  ackTimeoutMs?: number;
  maxAttempts?: number;
  reconnectMs?: number;
  /** Version 2 presses from this firmware and settings version (see VirtualButton). */
  firmware?: { fw: number; cfg: number };
}

export interface ConnectedButton {
  button: VirtualButton;
  transport: ButtonTransport;
  press(click?: ClickType, batteryMv?: number): ReturnType<VirtualButton['press']>;
  close(): Promise<void>;
}

/** A device's signing key, derived from the data folder's master key as the stack derives it. */
export async function deviceKeyIn(dataDir: string, deviceId: string): Promise<Uint8Array> {
  const text = await readFile(join(dataDir, MASTER_KEY_FILE), 'utf8');
  const master = parseMasterKeyFile(text, MASTER_KEY_FILE).keys.get(1) as Uint8Array;
  return deriveDeviceKey(nodeSha256, master, deviceId, 1);
}

/**
 * Orders pressed `daysAgo` days ago, each shipped and delivered by `brandId`, written by the
 * press pipeline the stack assembles on the stack's table (a press through the broker is
 * always stamped "now"); the CLI's counter file then continues from the last sequence number,
 * as the button would. Returns that sequence number.
 */
export async function deliveredHistory(
  stack: RunningStack,
  dataDir: string,
  brandId: string,
  deviceId: string,
  daysAgo: number[],
): Promise<number> {
  const key = await deviceKeyIn(dataDir, deviceId);
  const orderStore = new DynamoOrderStore(stack.table);
  // The order timers the stack's relay would file, filed at once; the sweep runs when each
  // order's window closed, weeks ago, as it did then.
  const timers = new OrderTimerFiler(orderStore);
  let sweepAt: number | null = null;
  const { presses, relay, orders } = createPressPipeline({
    clock: { now: () => sweepAt ?? Date.now() },
    store: new DynamoPressStore(stack.table),
    orderStore,
    keys: { deviceKey: async () => key },
    acks: { publishAck: async () => undefined },
  });
  const brand = { kind: 'brand', id: brandId } as const;
  const state = FileButtonStateStore.inDataDir(dataDir);
  let { seq } = await state.load(deviceId);
  for (const days of daysAgo) {
    seq++;
    const press = signPress(nodeSha256, key, {
      device: deviceId,
      seq,
      click: 'SINGLE',
      battery_mv: 2900,
      attempt: 1,
      kv: 1,
    });
    const at = Date.now() - days * 24 * 3_600_000;
    const result = await presses.handle(pressEventFor(deviceId, JSON.stringify(press), at));
    if (result.outcome !== 'ORDERED') throw new Error(`history press ${seq}: ${result.outcome}`);
    // The order item, as the stack's commit relay writes it.
    await relay.finishPress(deviceId, seq);
    const order = await orders.get(result.orderId as string);
    await timers.emit(orderEventsSince(order, 0));
    sweepAt = order.cancelDeadline;
    await orders.sweep();
    sweepAt = null;
    await orders.ship(result.orderId as string, brand);
    await orders.deliver(result.orderId as string, brand);
  }
  await state.save(deviceId, { seq, pending: null });
  return seq;
}

/** A virtual button wired as the CLI wires it (key from the data folder's master key). */
export async function connectButton(options: ButtonOptions): Promise<ConnectedButton> {
  const key = await deviceKeyIn(options.dataDir, options.deviceId);
  let transport: ButtonTransport;
  if (options.tls) {
    const ca = await ensureDevCa(options.dataDir);
    const cert = await ensureDeviceCertificate(options.dataDir, ca, options.deviceId);
    transport = await connectLocalTransport({
      url: `mqtts://127.0.0.1:${options.tls.port}`,
      clientId: options.deviceId,
      tls: { caCertPem: ca.caCertPem, certPem: cert.certPem, keyPem: cert.keyPem },
      ...(options.reconnectMs ? { reconnectMs: options.reconnectMs } : {}),
    });
  } else {
    transport = await connectLocalTransport({
      url: `mqtt://127.0.0.1:${options.port}`,
      clientId: options.deviceId,
      username: options.deviceId,
      password: mqttPasswordFor(nodeSha256, key),
      ...(options.reconnectMs ? { reconnectMs: options.reconnectMs } : {}),
    });
  }
  const button = new VirtualButton({
    deviceId: options.deviceId,
    deviceKey: key,
    keyVersion: 1,
    sha256: nodeSha256,
    transport,
    // The CLI's counter files in the data folder, so tests and `npm run press` share them.
    state: options.state ?? FileButtonStateStore.inDataDir(options.dataDir),
    ackTimeoutMs: options.ackTimeoutMs ?? 5_000,
    maxAttempts: options.maxAttempts ?? 3,
    ...(options.firmware ? { firmware: options.firmware } : {}),
  });
  await button.start();
  return {
    button,
    transport,
    press: (click = 'SINGLE', batteryMv) => button.press(click, batteryMv),
    close: () => transport.close(),
  };
}

/** Connects a virtual button to the stack's broker, presses it `times` times, disconnects. */
export async function pressTimes(
  stack: RunningStack,
  dataDir: string,
  deviceId: string,
  times = 1,
): Promise<Awaited<ReturnType<ConnectedButton['press']>>[]> {
  const button = await connectButton({ dataDir, deviceId, port: stack.runtime.mqttPort });
  try {
    const results = [];
    for (let i = 0; i < times; i++) results.push(await button.press());
    return results;
  } finally {
    await button.close();
  }
}
