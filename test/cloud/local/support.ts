/**
 * Test scaffolding for the local stack's parts: a broker on free ports with the development CA
 * from a temporary data folder, two known devices, a captured log and a recording press seam.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { mqttPasswordFor } from '#shared/index';
import type { Log } from '../../../cloud/core/ports.ts';
import type { PressEvent } from '../../../cloud/core/press/press-event.ts';
import { nodeSha256 } from '../../../cloud/core/sha256.ts';
import { type DevCa, ensureDevCa, ensureDeviceCertificate } from '../../../cloud/dev/dev-ca.ts';
import { ensureMasterKey, keySourceFor } from '../../../cloud/dev/master-key-file.ts';
import {
  createBrokerPolicy,
  type RunningBroker,
  startBroker,
} from '../../../cloud/local/iot/broker.ts';
import { StaticDeviceDirectory } from '../../../cloud/local/iot/device-directory.ts';
import type { ServiceIdentity } from '../../../cloud/local/iot/policy.ts';
import { startTopicRule } from '../../../cloud/local/iot/topic-rule.ts';

export interface LogLine {
  level: 'info' | 'warn' | 'error';
  message: string;
  data?: Record<string, unknown>;
}

export function captureLog(): Log & { lines: LogLine[] } {
  const lines: LogLine[] = [];
  return {
    lines,
    info: (message, data) => lines.push({ level: 'info', message, data }),
    warn: (message, data) => lines.push({ level: 'warn', message, data }),
    error: (message, data) => lines.push({ level: 'error', message, data }),
  };
}

export async function tempDataDir(): Promise<{ dir: string; remove(): Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), 'restock-local-'));
  return { dir, remove: () => rm(dir, { recursive: true, force: true }) };
}

export const DEVICES = ['dev-a', 'dev-b'] as const;

export const ECHO_SERVICE: ServiceIdentity = {
  name: 'restock-echo',
  secret: 'echo-secret-for-tests',
  publish: ['restock/v1/+/ack'],
  subscribe: ['restock/v1/+/press'],
};

export interface TestBroker {
  dataDir: string;
  ca: DevCa;
  broker: RunningBroker;
  log: ReturnType<typeof captureLog>;
  directory: StaticDeviceDirectory;
  passwordFor(deviceId: string): Promise<string>;
  deviceKey(deviceId: string): Promise<Uint8Array>;
  deviceCert(
    deviceId: string,
  ): Promise<{ certPath: string; keyPath: string; certPem: string; keyPem: string }>;
  close(): Promise<void>;
}

export async function startTestBroker(): Promise<TestBroker> {
  const data = await tempDataDir();
  const ca = await ensureDevCa(data.dir);
  const keySource = keySourceFor(await ensureMasterKey(data.dir));
  const directory = new StaticDeviceDirectory(
    DEVICES.map((deviceId) => ({ deviceId, keyVersion: 1 })),
  );
  const log = captureLog();
  const policy = createBrokerPolicy({
    directory,
    keySource,
    sha256: nodeSha256,
    services: [ECHO_SERVICE],
    log,
  });
  const broker = await startBroker({
    host: '127.0.0.1',
    port: 0,
    tlsPort: 0,
    tls: { caCertPem: ca.caCertPem, certPem: ca.server.certPem, keyPem: ca.server.keyPem },
    policy,
    log,
  });
  const deviceKey = async (deviceId: string) => {
    const key = await keySource.deviceKey(deviceId, 1);
    if (!key) throw new Error('no key');
    return key;
  };
  return {
    dataDir: data.dir,
    ca,
    broker,
    log,
    directory,
    deviceKey,
    passwordFor: async (deviceId) => mqttPasswordFor(nodeSha256, await deviceKey(deviceId)),
    deviceCert: (deviceId) => ensureDeviceCertificate(data.dir, ca, deviceId),
    close: async () => {
      await broker.close();
      await data.remove();
    },
  };
}

/** Polls until the check passes (or fails the test after timeoutMs). */
export async function eventually<T>(
  check: () => T | undefined | false,
  timeoutMs = 5_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** Starts the topic rule on the test broker with a press seam that records every event. */
export async function recordRuleEvents(t: TestBroker): Promise<PressEvent[]> {
  const events: PressEvent[] = [];
  await startTopicRule({
    aedes: t.broker.aedes,
    clock: { now: () => Date.now() },
    log: t.log,
    handlePress: async (event) => {
      events.push(event);
    },
  });
  return events;
}
