/**
 * Fleet provisioning against the development CA, end to end: `npm run provision` registers a
 * button in the running local stack and writes its configuration; the stack's mutual-TLS broker
 * accepts that identity; a press signed with the provisioned secret gets a verified ack; the
 * printed claim code lets a household claim it; and `npm run flash` takes the file.
 */
import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import mqtt from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ackTopic,
  decodeAck,
  encodePress,
  fromHex,
  pressTopic,
  signPress,
  verifyAck,
} from '#shared/index';
import { LocalIssuer } from '../../cloud/core/auth/local-issuer.ts';
import { systemClock } from '../../cloud/core/ports.ts';
import { nodeSha256 } from '../../cloud/core/sha256.ts';
import type { ProvisionedDeviceConfig } from '../../cloud/infra/provision/device-config.ts';
import { localPipeline } from '../../cloud/local/pipeline.ts';
import { type RunningStack, startStack } from '../../cloud/local/stack.ts';
import { flashFiles, withWifi } from '../../device/scripts/flash-config.ts';
import { quietLog, stackConfig, tempDir } from './support.ts';

let data: Awaited<ReturnType<typeof tempDir>>;
let stack: RunningStack;
let config: ProvisionedDeviceConfig;
let claimCode: string;

beforeAll(async () => {
  data = await tempDir();
  stack = await startStack(stackConfig(data.dir), { log: quietLog(), pipeline: localPipeline });
  // Asynchronous: the CLI talks to the store this very process serves.
  const run = await promisify(execFile)(
    process.execPath,
    [
      '--import',
      'tsx',
      'cloud/infra/provision/cli.ts',
      '--brand',
      'acme',
      '--count',
      '1',
      '--data',
      data.dir,
      '--broker',
      `127.0.0.1:${stack.runtime.mqttTlsPort}`,
    ],
    { encoding: 'utf8', env: { ...process.env, DYNAMODB_ENDPOINT: '' } },
  );
  const line = run.stdout.split('\n').find((l) => l.includes('claim code')) ?? '';
  const match = /^(\S+)\s+claim code (\S+)\s+(\S+)$/.exec(line.trim());
  expect(match, run.stdout).not.toBeNull();
  claimCode = match?.[2] as string;
  config = JSON.parse(await readFile(match?.[3] as string, 'utf8'));
}, 120_000);

afterAll(async () => {
  await stack?.close();
  await data?.remove();
});

describe('provisioning against the development CA', () => {
  it('writes a config the mutual-TLS broker accepts, and a signed press gets a verified ack', async () => {
    const client = await mqtt.connectAsync({
      protocol: 'mqtts',
      host: '127.0.0.1',
      port: config.broker.port,
      clientId: config.device,
      ca: config.certificates.ca,
      cert: config.certificates.cert,
      key: config.certificates.key,
      rejectUnauthorized: true,
      servername: 'localhost',
      reconnectPeriod: 0,
      connectTimeout: 10_000,
    });
    try {
      const ack = new Promise<string>((resolve) => {
        client.on('message', (_topic, payload) => resolve(payload.toString()));
      });
      await client.subscribeAsync(ackTopic(config.device), { qos: 1 });
      const key = fromHex(config.secret) as Uint8Array;
      const press = signPress(nodeSha256, key, {
        device: config.device,
        seq: 1,
        click: 'SINGLE',
        battery_mv: 3000,
        attempt: 1,
        kv: config.kv,
      });
      await client.publishAsync(pressTopic(config.device), encodePress(press), { qos: 1 });
      const decoded = decodeAck(await ack);
      expect(decoded.ok && verifyAck(nodeSha256, key, decoded.message)).toBe(true);
      // Registered for its brand but not claimed by a household yet.
      expect(decoded.ok && decoded.message.outcome).toBe('UNBOUND');
    } finally {
      await client.endAsync();
    }
  });

  it('prints a claim code a household can claim the button with, once', async () => {
    const issuer = await LocalIssuer.open(data.dir, systemClock);
    const claim = async (household: string) => {
      const token = await issuer.sign({ role: 'household', tenant: household });
      return fetch(`http://127.0.0.1:${stack.runtime.httpPort}/v1/household/claims`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: JSON.stringify({ claimCode }),
      });
    };
    const first = await claim('hh-provisioned');
    expect(first.status).toBe(201);
    expect(((await first.json()) as { deviceId: string }).deviceId).toBe(config.device);
    expect((await claim('hh-someone-else')).status).toBe(409);
  });

  it('is a file `npm run flash` takes once Wi-Fi is given', () => {
    expect(() => flashFiles(config)).toThrow(/wifi/);
    const files = flashFiles(withWifi(config, { ssid: 'home', password: 'secret-pass' }));
    expect(files.map((f) => f.name).length).toBe(4);
    expect(files.some((f) => f.content.includes(config.secret))).toBe(true);
  });

  it('keeps the secret and key in an owner-only file', async () => {
    const path = join(data.dir, 'devices', `${config.device}.json`);
    const { stat } = await import('node:fs/promises');
    expect((await stat(path)).mode & 0o077).toBe(0);
  });
});
