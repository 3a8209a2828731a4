/**
 * The broker holds AWS IoT Core's limits (cloud/local/iot/mqtt-limits.ts) and refuses what AWS IoT
 * refuses — each refusal logged once, with its reason: oversized packets (read from the fixed
 * header, before buffering), QoS 2, MQTT 3.1, a password without a user name, an empty or
 * over-long client id, a will on a topic the client may not publish to, and an untrusted
 * certificate (answered with CONNACK 5, not a bare EOF).
 */
import { connect as tlsConnect } from 'node:tls';
import { connect, type IClientOptions, type MqttClient } from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PressEvent } from '../../../cloud/core/press/press-event.ts';
import { ensureDevCa, issueDeviceCertificate } from '../../../cloud/dev/dev-ca.ts';
import { MQTT_LIMITS } from '../../../cloud/local/iot/mqtt-limits.ts';
import {
  connackCode,
  connectPacket,
  openRaw,
  publishPacket,
  type RawConnect,
  remainingLength,
} from './raw-mqtt.ts';
import {
  eventually,
  recordRuleEvents,
  startTestBroker,
  type TestBroker,
  tempDataDir,
} from './support.ts';

let t: TestBroker;
let events: PressEvent[];

beforeAll(async () => {
  t = await startTestBroker();
  events = await recordRuleEvents(t);
});

afterAll(async () => {
  await t?.close();
});

const refusals = (message: string, reason: RegExp) =>
  t.log.lines.filter((l) => l.message === message && reason.test(String(l.data?.reason)));

async function rawConnack(c: RawConnect): Promise<number | null> {
  const raw = await openRaw(t.broker.port as number);
  raw.socket.write(connectPacket(c));
  await eventually(() => raw.socket.bytesRead >= 4 || raw.socket.destroyed);
  const { bytes } = await raw.answer(0);
  raw.socket.destroy();
  return connackCode(bytes);
}

async function device(deviceId: string, extra: IClientOptions = {}): Promise<MqttClient> {
  return connect(`mqtt://127.0.0.1:${t.broker.port}`, {
    protocolVersion: 4,
    clientId: deviceId,
    username: deviceId,
    password: await t.passwordFor(deviceId),
    reconnectPeriod: 0,
    ...extra,
  });
}

/** A connected raw session as dev-a, for packets mqtt.js would not send. */
async function rawDevice() {
  const raw = await openRaw(t.broker.port as number);
  raw.socket.write(
    connectPacket({ clientId: 'dev-a', username: 'dev-a', password: await t.passwordFor('dev-a') }),
  );
  await eventually(() => raw.socket.bytesRead >= 4);
  return raw;
}

describe('packet size, read from the fixed header', () => {
  it('refuses a CONNECT that declares 250 MB before reading it, and logs it once', async () => {
    const raw = await openRaw(t.broker.port as number);
    raw.socket.write(Buffer.concat([Buffer.from([0x10]), remainingLength(250 * 1024 * 1024)]));
    const { bytes, closed } = await raw.answer();
    expect(closed).toBe(true);
    expect(bytes.length).toBe(0);
    expect(refusals('mqtt connection refused', /CONNECT of 262144000 bytes/)).toHaveLength(1);
  });

  it(`accepts a ${MQTT_LIMITS.payloadBytes}-byte payload and refuses one byte more (no PUBACK)`, async () => {
    const before = events.length;
    const raw = await rawDevice();
    const topic = 'restock/v1/dev-a/press';
    raw.socket.write(publishPacket(topic, Buffer.alloc(MQTT_LIMITS.payloadBytes, 0x61), 1));
    await eventually(() => events.length > before && raw.socket.bytesRead >= 8); // CONNACK, PUBACK
    expect(Buffer.from(events[before]?.payload ?? '', 'base64')).toHaveLength(
      MQTT_LIMITS.payloadBytes,
    );
    const acked = raw.socket.bytesRead;
    const linesBefore = t.log.lines.length;
    raw.socket.write(publishPacket(topic, Buffer.alloc(MQTT_LIMITS.payloadBytes + 1, 0x61), 1));
    const { bytes, closed } = await raw.answer();
    expect(closed).toBe(true);
    expect(bytes.length).toBe(acked); // no PUBACK for it
    expect(events.length).toBe(before + 1);
    expect(refusals('mqtt publish refused', /payload larger than 131072 bytes/)).toHaveLength(1);
    // Logged once: aedes' client error for the same refusal adds no second line.
    expect(t.log.lines.slice(linesBefore).map((l) => l.message)).toEqual(['mqtt publish refused']);
  });

  it('refuses an authenticated 300 KB publish from its header', async () => {
    const before = events.length;
    const raw = await rawDevice();
    const acked = raw.socket.bytesRead;
    raw.socket.write(publishPacket('restock/v1/dev-a/press', Buffer.alloc(300 * 1024), 1));
    const { bytes, closed } = await raw.answer();
    expect(closed).toBe(true);
    expect(bytes.length).toBe(acked); // the CONNACK, and no PUBACK
    expect(events.length).toBe(before);
    expect(refusals('mqtt connection refused', /packet of \d+ bytes exceeds/)).toHaveLength(1);
  });
});

describe('what AWS IoT Core does not accept either', () => {
  it('MQTT 3.1 gets CONNACK 1', async () => {
    expect(
      await rawConnack({
        clientId: 'dev-a',
        username: 'dev-a',
        password: await t.passwordFor('dev-a'),
        protocolLevel: 3,
      }),
    ).toBe(1);
    expect(refusals('mqtt connect refused', /protocol level 3/)).toHaveLength(1);
  });

  it('an empty client id gets CONNACK 2 (identifier rejected)', async () => {
    expect(await rawConnack({ clientId: '', username: 'dev-a', password: 'x' })).toBe(2);
    expect(refusals('mqtt connect refused', /^empty client id$/)).toHaveLength(1);
  });

  it(`a client id over ${MQTT_LIMITS.clientIdBytes} bytes gets CONNACK 2`, async () => {
    expect(await rawConnack({ clientId: 'x'.repeat(129), username: 'x', password: 'x' })).toBe(2);
    expect(refusals('mqtt connect refused', /client id longer than 128 bytes/)).toHaveLength(1);
  });

  it('a password without a user name gets CONNACK 4, even with the right password', async () => {
    expect(await rawConnack({ clientId: 'dev-a', password: await t.passwordFor('dev-a') })).toBe(4);
    expect(refusals('mqtt connect refused', /password without a user name/)).toHaveLength(1);
  });

  it('a will on a topic the device may not publish to gets CONNACK 5', async () => {
    const password = await t.passwordFor('dev-a');
    const willOn = (topic: string) =>
      rawConnack({ clientId: 'dev-a', username: 'dev-a', password, will: { topic, payload: 'x' } });
    expect(await willOn('restock/v1/dev-b/press')).toBe(5);
    expect(await willOn('restock/v1/dev-a/press')).toBe(0);
    expect(refusals('mqtt connect refused', /will topic restock\/v1\/dev-b\/press/)).toHaveLength(
      1,
    );
  });

  it('a QoS 2 publish closes the connection without PUBREC, and reaches no one', async () => {
    const raw = await rawDevice();
    const acked = raw.socket.bytesRead;
    raw.socket.write(publishPacket('restock/v1/dev-a/press', Buffer.from('qos-2'), 2));
    const { bytes, closed } = await raw.answer();
    expect(closed).toBe(true);
    expect(bytes.length).toBe(acked);
    expect(events.filter((e) => e.payload === Buffer.from('qos-2').toString('base64'))).toEqual([]);
    expect(refusals('mqtt connection refused', /QoS 2/)).toHaveLength(1);
  });

  it('a QoS 2 subscription is refused (SUBACK 0x80)', async () => {
    const client = await device('dev-b');
    try {
      await new Promise((resolve) => client.once('connect', resolve));
      const granted = await new Promise<number[]>((resolve) =>
        client.subscribe('restock/v1/dev-b/ack', { qos: 2 }, (error, grants) => {
          const packet = (error as { packet?: { granted?: number[] } } | null)?.packet;
          resolve(packet?.granted ?? (grants ?? []).map((g) => g.qos));
        }),
      );
      expect(granted).toEqual([128]);
      expect(refusals('mqtt subscribe refused', /QoS 2/)).toHaveLength(1);
    } finally {
      await client.endAsync(true);
    }
  });
});

describe('mutual TLS refusals', () => {
  it('an untrusted certificate gets CONNACK 5 with the reason logged, not a bare EOF', async () => {
    const other = await tempDataDir();
    try {
      const foreign = await issueDeviceCertificate(await ensureDevCa(other.dir), 'dev-a');
      const client = connect(`mqtts://127.0.0.1:${t.broker.tlsPort}`, {
        protocolVersion: 4,
        clientId: 'dev-a',
        ca: t.ca.caCertPem,
        cert: foreign.certPem,
        key: foreign.keyPem,
        reconnectPeriod: 0,
      });
      const error = await new Promise<Error & { code?: number }>((resolve) =>
        client.once('error', resolve),
      );
      client.end(true);
      expect(error.code).toBe(5);
      expect(refusals('mqtt connect refused', /client certificate not trusted \(/)).toHaveLength(1);
    } finally {
      await other.remove();
    }
  });

  it('a failed handshake is logged with the peer address and a one-line reason', async () => {
    const socket = tlsConnect({
      host: '127.0.0.1',
      port: t.broker.tlsPort as number,
      maxVersion: 'TLSv1.1',
      minVersion: 'TLSv1',
      rejectUnauthorized: false,
    });
    await new Promise((resolve) => socket.once('error', resolve).once('close', resolve));
    const line = await eventually(() =>
      t.log.lines.find((l) => l.message === 'mqtt tls handshake refused'),
    );
    expect(line.data?.remote).toMatch(/^127\.0\.0\.1:\d+$/);
    expect(String(line.data?.reason)).not.toMatch(/\n/);
  });
});
