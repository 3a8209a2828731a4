/**
 * Interop with an independent MQTT implementation: Debian's mosquitto_pub and mosquitto_sub
 * talk to the broker over plain TCP (derived password) and mutual TLS (certificates from the
 * development CA); a publish to another device's topic is refused and never reaches the rule,
 * and so are MQTT 3.1, QoS 2 and a payload over AWS IoT Core's 128 KB.
 */
import { spawn, spawnSync } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Ack, decodeAck, encodePress, signAck, signPress, verifyAck } from '#shared/index';
import type { PressEvent } from '../../../cloud/core/press/press-event.ts';
import { nodeSha256 } from '../../../cloud/core/sha256.ts';
import { BrokerAckPublisher } from '../../../cloud/local/iot/ack-publisher.ts';
import { eventually, recordRuleEvents, startTestBroker, type TestBroker } from './support.ts';

const missing = spawnSync('mosquitto_pub', ['--help'], { stdio: 'ignore' }).error;
if (missing) {
  console.log(
    'SKIP mosquitto interop: mosquitto_pub/mosquitto_sub not installed (apt-get install mosquitto-clients; .ci/run does this)',
  );
}

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

function run(command: string, args: string[], timeoutMs = 15_000): Promise<Run> {
  return new Promise((resolve) => {
    const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => {
      stdout += chunk;
    });
    child.stderr.on('data', (chunk) => {
      stderr += chunk;
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

let t: TestBroker;
let events: PressEvent[] = [];
let acks: BrokerAckPublisher;

beforeAll(async () => {
  if (missing) return;
  t = await startTestBroker();
  acks = new BrokerAckPublisher(t.broker.aedes);
  events = await recordRuleEvents(t);
});

afterAll(async () => {
  await t?.close();
});

type Transport = 'tcp' | 'tls';

async function connectArgs(deviceId: string, transport: Transport): Promise<string[]> {
  const common = ['-h', '127.0.0.1', '-i', deviceId, '-V', 'mqttv311', '-q', '1'];
  if (transport === 'tcp') {
    return [
      ...common,
      '-p',
      String(t.broker.port),
      '-u',
      deviceId,
      '-P',
      await t.passwordFor(deviceId),
    ];
  }
  const cert = await t.deviceCert(deviceId);
  return [
    ...common,
    '-p',
    String(t.broker.tlsPort),
    '--cafile',
    t.ca.caCertPath,
    '--cert',
    cert.certPath,
    '--key',
    cert.keyPath,
  ];
}

async function signedPress(deviceId: string, seq: number): Promise<string> {
  return encodePress(
    signPress(nodeSha256, await t.deviceKey(deviceId), {
      device: deviceId,
      seq,
      click: 'SINGLE',
      battery_mv: 2900,
      attempt: 1,
      kv: 1,
    }),
  );
}

describe.skipIf(Boolean(missing)).each<Transport>(['tcp', 'tls'])(
  'mosquitto over %s',
  (transport) => {
    it('mosquitto_pub publishes a signed press that reaches the rule as the AWS IoT event', async () => {
      const before = events.length;
      const press = await signedPress('dev-a', transport === 'tcp' ? 11 : 12);
      const result = await run('mosquitto_pub', [
        ...(await connectArgs('dev-a', transport)),
        '-t',
        'restock/v1/dev-a/press',
        '-m',
        press,
      ]);
      expect(result.stderr).toBe('');
      expect(result.code).toBe(0);
      const event = await eventually(() => events[before]);
      expect(event).toMatchObject({ topic: 'restock/v1/dev-a/press', clientId: 'dev-a' });
      expect(Buffer.from(event.payload, 'base64').toString('utf8')).toBe(press);
    });

    it('mosquitto_sub receives the signed ack on its own ack topic and it verifies', async () => {
      const subscribed = new Promise<void>((resolve) => {
        const listener = (subs: { topic: string }[], client: { id: string }) => {
          if (client.id === 'dev-b' && subs.some((s) => s.topic === 'restock/v1/dev-b/ack')) {
            t.broker.aedes.off('subscribe', listener);
            resolve();
          }
        };
        t.broker.aedes.on('subscribe', listener);
      });
      const sub = run('mosquitto_sub', [
        ...(await connectArgs('dev-b', transport)),
        '-t',
        'restock/v1/dev-b/ack',
        '-C',
        '1',
        '-W',
        '10',
      ]);
      await subscribed;
      const ack: Ack = signAck(nodeSha256, await t.deviceKey('dev-b'), {
        device: 'dev-b',
        seq: 5,
        outcome: 'ORDERED',
        order: 'dev-b-5',
        kv: 1,
      });
      await acks.publishAck('dev-b', ack);
      const result = await sub;
      expect(result.code).toBe(0);
      const decoded = decodeAck(result.stdout.trim());
      expect(decoded.ok).toBe(true);
      if (decoded.ok) {
        expect(decoded.message).toEqual(ack);
        expect(verifyAck(nodeSha256, await t.deviceKey('dev-b'), decoded.message)).toBe(true);
      }
    });

    it("refuses mosquitto_pub's publish to another device's press topic; the rule sees nothing", async () => {
      const before = events.length;
      const forged = await signedPress('dev-b', 99);
      await run('mosquitto_pub', [
        ...(await connectArgs('dev-a', transport)),
        '-t',
        'restock/v1/dev-b/press',
        '-m',
        forged,
      ]);
      await eventually(() =>
        t.log.lines.find(
          (l) => l.message === 'mqtt publish refused' && l.data?.topic === 'restock/v1/dev-b/press',
        ),
      );
      // A genuine press afterwards is the next (and only) thing the rule sees.
      const genuine = await signedPress('dev-a', transport === 'tcp' ? 21 : 22);
      await run('mosquitto_pub', [
        ...(await connectArgs('dev-a', transport)),
        '-t',
        'restock/v1/dev-a/press',
        '-m',
        genuine,
      ]);
      await eventually(() => events.length > before);
      await new Promise((resolve) => setTimeout(resolve, 100));
      expect(events.slice(before).map((e) => Buffer.from(e.payload, 'base64').toString())).toEqual([
        genuine,
      ]);
    });

    it('mosquitto_sub may not subscribe to another device’s ack topic', async () => {
      const result = await run('mosquitto_sub', [
        ...(await connectArgs('dev-a', transport)),
        '-t',
        'restock/v1/dev-b/ack',
        '-C',
        '1',
        '-W',
        '3',
        '-E',
      ]);
      expect(`${result.stdout}${result.stderr}`).toMatch(/denied|refused|fail/i);
    });
  },
);

describe.skipIf(Boolean(missing))('mosquitto with wrong credentials', () => {
  it('is refused with a wrong password', async () => {
    const result = await run('mosquitto_pub', [
      '-h',
      '127.0.0.1',
      '-p',
      String(t.broker.port),
      '-V',
      'mqttv311',
      '-i',
      'dev-a',
      '-u',
      'dev-a',
      '-P',
      await t.passwordFor('dev-b'),
      '-t',
      'restock/v1/dev-a/press',
      '-m',
      'x',
      '-q',
      '1',
    ]);
    expect(result.code).not.toBe(0);
    expect(result.stderr).toMatch(/bad user name or password|not authori[sz]ed/i);
  });

  it('is refused over TLS without a client certificate', async () => {
    const result = await run('mosquitto_pub', [
      '-h',
      '127.0.0.1',
      '-p',
      String(t.broker.tlsPort),
      '--cafile',
      t.ca.caCertPath,
      '-V',
      'mqttv311',
      '-i',
      'dev-a',
      '-t',
      'restock/v1/dev-a/press',
      '-m',
      'x',
      '-q',
      '1',
    ]);
    expect(result.code).not.toBe(0);
  });
});

describe.skipIf(Boolean(missing))('mosquitto against the limits AWS IoT Core holds', () => {
  const topic = 'restock/v1/dev-a/press';

  it('MQTT 3.1 is refused (CONNACK 1)', async () => {
    const args = (await connectArgs('dev-a', 'tcp')).map((a) => (a === 'mqttv311' ? 'mqttv31' : a));
    const result = await run('mosquitto_pub', [...args, '-t', topic, '-m', 'x']);
    expect(result.code).not.toBe(0);
    expect(result.stderr).toMatch(/unacceptable protocol version/i);
  });

  it('a QoS 2 publish and a 300 KB publish never reach the rule', async () => {
    const before = events.length;
    const args = await connectArgs('dev-a', 'tcp');
    const qos2 = await run(
      'mosquitto_pub',
      [...args.map((a, i) => (args[i - 1] === '-q' ? '2' : a)), '-t', topic, '-m', 'qos-2'],
      5_000,
    );
    const bigFile = join(t.dataDir, 'big-payload');
    await writeFile(bigFile, 'x'.repeat(300 * 1024)); // too long for a command-line argument
    const big = await run('mosquitto_pub', [...args, '-t', topic, '-f', bigFile], 5_000);
    expect(qos2.code).not.toBe(0);
    expect(big.code).not.toBe(0);
    const marker = await signedPress('dev-a', 13); // a genuine publish after both: the rule sees only it
    expect((await run('mosquitto_pub', [...args, '-t', topic, '-m', marker])).code).toBe(0);
    await eventually(() => events.length > before);
    expect(events.slice(before).map((e) => Buffer.from(e.payload, 'base64').toString())).toEqual([
      marker,
    ]);
  });
});
