/**
 * The broker's authorisation matrix, as the AWS IoT policy will apply it: who may connect on
 * plain TCP and mutual TLS, and what each identity may publish and subscribe to.
 */
import { connect, type IClientOptions, type MqttClient } from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PressEvent } from '../../../cloud/core/press/press-event.ts';
import { ensureDevCa, issueDeviceCertificate } from '../../../cloud/dev/dev-ca.ts';
import {
  ECHO_SERVICE,
  eventually,
  recordRuleEvents,
  startTestBroker,
  type TestBroker,
  tempDataDir,
} from './support.ts';

let t: TestBroker;
let events: PressEvent[] = [];
const open: MqttClient[] = [];

beforeAll(async () => {
  t = await startTestBroker();
  events = await recordRuleEvents(t);
});

afterAll(async () => {
  await Promise.all(open.map((c) => c.endAsync(true).catch(() => undefined)));
  await t?.close();
});

type Attempt = { client: MqttClient } | { refused: string };

async function attempt(options: IClientOptions, tls = false): Promise<Attempt> {
  const url = tls ? `mqtts://127.0.0.1:${t.broker.tlsPort}` : `mqtt://127.0.0.1:${t.broker.port}`;
  const client = connect(url, {
    protocolVersion: 4,
    reconnectPeriod: 0,
    connectTimeout: 4_000,
    ...options,
  });
  // A refused TLS client sees only `close`; a refused CONNECT sees `error` with the CONNACK code.
  const result = await new Promise<Attempt>((resolve) => {
    client.once('connect', () => resolve({ client }));
    client.once('error', (error) => resolve({ refused: error.message }));
    client.once('close', () => resolve({ refused: 'connection closed' }));
  });
  if ('client' in result) open.push(client);
  else client.end(true);
  return result;
}

/** The granted QoS per filter (128 = refused); mqtt.js reports any 128 as an error. */
async function grantedFor(client: MqttClient, filters: string[]): Promise<number[]> {
  return new Promise((resolve, reject) => {
    client.subscribe(filters, { qos: 1 }, (error, granted) => {
      const packet = (error as { packet?: { granted?: number[] } } | null)?.packet;
      if (packet?.granted) return resolve(packet.granted);
      if (error) return reject(error);
      resolve((granted ?? []).map((g) => g.qos));
    });
  });
}

async function connected(options: IClientOptions, tls = false): Promise<MqttClient> {
  const result = await attempt(options, tls);
  if ('refused' in result) throw new Error(`expected to connect, got: ${result.refused}`);
  return result.client;
}

async function asDevice(deviceId: string): Promise<MqttClient> {
  return connected({
    clientId: deviceId,
    username: deviceId,
    password: await t.passwordFor(deviceId),
  });
}

async function tlsOptions(deviceId: string): Promise<IClientOptions> {
  const cert = await t.deviceCert(deviceId);
  return { clientId: deviceId, ca: t.ca.caCertPem, cert: cert.certPem, key: cert.keyPem };
}

describe('connecting on plain TCP', () => {
  it('accepts a known device with its derived password', async () => {
    const client = await asDevice('dev-a');
    expect(client.connected).toBe(true);
  });

  it('refuses an unknown client id, and logs it', async () => {
    const result = await attempt({ clientId: 'stranger', username: 'stranger', password: 'x' });
    expect(result).toMatchObject({ refused: expect.stringMatching(/not authori[sz]ed/i) });
    expect(t.log.lines).toContainEqual(
      expect.objectContaining({
        message: 'mqtt connect refused',
        data: expect.objectContaining({ clientId: 'stranger', reason: 'unknown thing' }),
      }),
    );
  });

  it('refuses a known device with a wrong password, without logging the password', async () => {
    const result = await attempt({
      clientId: 'dev-a',
      username: 'dev-a',
      password: await t.passwordFor('dev-b'),
    });
    expect(result).toMatchObject({ refused: expect.stringMatching(/bad username or password/i) });
    expect(JSON.stringify(t.log.lines)).not.toContain(await t.passwordFor('dev-b'));
  });

  it('refuses a known device without a password', async () => {
    const result = await attempt({ clientId: 'dev-a' });
    expect(result).toMatchObject({ refused: expect.stringMatching(/bad username or password/i) });
  });

  it('refuses a device id used as client id with another device as username', async () => {
    const result = await attempt({
      clientId: 'dev-a',
      username: 'dev-b',
      password: await t.passwordFor('dev-a'),
    });
    expect('refused' in result).toBe(true);
  });

  it('accepts a named service identity only with its secret', async () => {
    const ok = await attempt({
      clientId: 'echo-1',
      username: ECHO_SERVICE.name,
      password: ECHO_SERVICE.secret,
    });
    expect('client' in ok).toBe(true);
    const wrong = await attempt({
      clientId: 'echo-2',
      username: ECHO_SERVICE.name,
      password: 'guess',
    });
    expect(wrong).toMatchObject({ refused: expect.stringMatching(/bad username or password/i) });
  });
});

describe('connecting on mutual TLS', () => {
  it('accepts a device certificate from the development CA whose CN is the client id', async () => {
    const client = await connected(await tlsOptions('dev-a'), true);
    expect(client.connected).toBe(true);
  });

  it("refuses a client id other than the certificate's thing name", async () => {
    const result = await attempt({ ...(await tlsOptions('dev-a')), clientId: 'dev-b' }, true);
    expect('refused' in result).toBe(true);
  });

  it('refuses a certificate signed by another CA', async () => {
    const other = await tempDataDir();
    try {
      const foreign = await issueDeviceCertificate(await ensureDevCa(other.dir), 'dev-a');
      const result = await attempt(
        { clientId: 'dev-a', ca: t.ca.caCertPem, cert: foreign.certPem, key: foreign.keyPem },
        true,
      );
      expect(result).toMatchObject({ refused: expect.stringMatching(/not authori[sz]ed/i) });
      await eventually(() =>
        t.log.lines.find((l) =>
          String(l.data?.reason).startsWith('client certificate not trusted'),
        ),
      );
    } finally {
      await other.remove();
    }
  });

  it('refuses a client without a certificate', async () => {
    const result = await attempt({ clientId: 'dev-a', ca: t.ca.caCertPem }, true);
    expect('refused' in result).toBe(true);
  });

  it('refuses a valid certificate for a thing the registry does not know', async () => {
    const result = await attempt(await tlsOptions('ghost-1'), true);
    expect('refused' in result).toBe(true);
  });
});

describe('what a device may do', () => {
  it('may subscribe to its own ack topic only; wildcards and other devices are refused (SUBACK 0x80)', async () => {
    const client = await asDevice('dev-a');
    const granted = await grantedFor(client, [
      'restock/v1/dev-a/ack',
      'restock/v1/dev-b/ack',
      'restock/v1/+/ack',
      'restock/v1/dev-a/#',
      '#',
      'restock/v1/dev-a/press',
    ]);
    expect(granted).toEqual([1, 128, 128, 128, 128, 128]);
    expect(t.log.lines.filter((l) => l.message === 'mqtt subscribe refused')).toHaveLength(5);
  });

  it("is disconnected for publishing to another device's press topic, and the rule sees nothing", async () => {
    const before = events.length;
    const client = await asDevice('dev-a');
    const closed = new Promise<void>((resolve) => client.once('close', () => resolve()));
    client.publish('restock/v1/dev-b/press', 'forged', { qos: 1 });
    await closed;
    expect(t.log.lines).toContainEqual(
      expect.objectContaining({
        message: 'mqtt publish refused',
        data: {
          clientId: 'dev-a',
          topic: 'restock/v1/dev-b/press',
          reason: 'publish to restock/v1/dev-b/press not allowed',
        },
      }),
    );
    // A legitimate press after the refused one is the first thing the rule sees.
    const again = await asDevice('dev-a');
    await again.publishAsync('restock/v1/dev-a/press', 'genuine', { qos: 1 });
    await eventually(() => events.length > before);
    expect(events.slice(before).map((e) => Buffer.from(e.payload, 'base64').toString())).toEqual([
      'genuine',
    ]);
  });

  it('may subscribe to the replies to its own update and settings requests only', async () => {
    const client = await asDevice('dev-a');
    const granted = await grantedFor(client, [
      'restock/v1/dev-a/manifest',
      '$aws/things/dev-a/streams/fw-acme-2/data/json',
      '$aws/things/dev-a/streams/fw-acme-2/rejected/json',
      '$aws/things/dev-a/jobs/job-1/update/accepted',
      '$aws/things/dev-a/shadow/get/accepted',
      '$aws/things/dev-b/shadow/get/accepted',
      '$aws/things/dev-a/streams/+/data/json',
      '$aws/things/+/shadow/get/accepted',
      '$aws/things/dev-a/#',
      'restock/v1/dev-b/manifest',
    ]);
    expect(granted).toEqual([1, 1, 1, 1, 1, 128, 128, 128, 128, 128]);
  });

  it("is disconnected for asking for another device's settings", async () => {
    const client = await asDevice('dev-a');
    const closed = new Promise<void>((resolve) => client.once('close', () => resolve()));
    client.publish('$aws/things/dev-b/shadow/get', '', { qos: 1 });
    await closed;
    expect(t.log.lines).toContainEqual(
      expect.objectContaining({
        message: 'mqtt publish refused',
        data: expect.objectContaining({ topic: '$aws/things/dev-b/shadow/get' }),
      }),
    );
  });

  it('may not publish to its own ack topic (only the cloud answers)', async () => {
    const client = await asDevice('dev-b');
    const closed = new Promise<void>((resolve) => client.once('close', () => resolve()));
    client.publish('restock/v1/dev-b/ack', '{"outcome":"ORDERED"}', { qos: 1 });
    await closed;
  });
});

describe('the topic rule event', () => {
  it('carries base64 payload, topic, client id and receive time as the AWS IoT rule does', async () => {
    const before = events.length;
    const client = await connected(await tlsOptions('dev-b'), true);
    const payload = Buffer.from([0x7b, 0x00, 0xff, 0x7d]);
    const sentAt = Date.now();
    await client.publishAsync('restock/v1/dev-b/press', payload, { qos: 1 });
    const event = await eventually(() => events[before]);
    expect(event).toEqual({
      payload: payload.toString('base64'),
      topic: 'restock/v1/dev-b/press',
      clientId: 'dev-b',
      receivedAt: expect.any(Number),
    });
    expect(event.receivedAt).toBeGreaterThanOrEqual(sentAt - 1);
    expect(Object.keys(event).sort()).toEqual(['clientId', 'payload', 'receivedAt', 'topic']);
  });
});
