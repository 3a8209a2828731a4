/**
 * The firmware's own MQTT 3.1.1 client against two independent brokers — aedes and Debian's
 * mosquitto — directly and through a proxy that splits frames across reads or packs several
 * frames into one read.
 */

import type { AddressInfo } from 'node:net';
import net from 'node:net';
import { Aedes } from 'aedes';
import mqtt from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Broker, mosquittoBinary, startAedes, startMosquitto } from './helpers/brokers.ts';
import { openClient, promisify } from './helpers/node-mqtt.ts';
import { type Chunking, startProxy } from './helpers/rechunk-proxy.ts';

const PUBLISH = 3;
const PUBACK = 4;
const PINGREQ = 12;

const hasMosquitto = mosquittoBinary() !== null;
if (!hasMosquitto) console.warn('SKIP mosquitto suite: install with apt-get install -y mosquitto');

/** Every byte value, so the client cannot be treating payloads as text. */
const BINARY = Array.from({ length: 256 }, (_, i) => String.fromCharCode(i)).join('');

const brokers: [string, () => Promise<Broker>, boolean][] = [
  ['aedes', startAedes, true],
  ['mosquitto', startMosquitto, hasMosquitto],
];
const chunkings: Chunking[] = ['direct', 'split', 'coalesce'];
let unique = 0;

describe.each(brokers)('MQTT client against %s', (_name, start, available) => {
  let broker: Broker;
  beforeAll(async () => {
    if (available) broker = await start();
  });
  afterAll(async () => {
    if (available) await broker.stop();
  });

  describe.runIf(available).each(chunkings)('with %s reads', (chunking) => {
    it('subscribes, publishes QoS 1 and receives its own messages of every length class', async () => {
      const proxy = await startProxy(broker.port, chunking);
      const t = await openClient(proxy.port, `c-${chunking}-${++unique}`);
      const topic = `restock/v1/self-${unique}/ack`;
      await promisify((done) => t.client.subscribe(topic, 1, done));
      // 1-, 2- and 3-byte remaining lengths, binary-safe.
      const payloads = ['', BINARY.slice(0, 100), BINARY.repeat(2), BINARY.repeat(80)];
      for (const payload of payloads)
        await promisify((done) => t.client.publish(topic, payload, done));
      const got = await t.receivedCount(payloads.length);
      expect(got.map((m) => m.topic)).toEqual(payloads.map(() => topic));
      expect(got.map((m) => m.payload)).toEqual(payloads);
      t.client.disconnect();
      expect(await t.closed).toBe('disconnected');
      await proxy.stop();
    });

    it('receives a burst of QoS 1 messages from another client, in order, and PUBACKs each', async () => {
      const proxy = await startProxy(broker.port, chunking);
      const t = await openClient(proxy.port, `burst-${chunking}-${++unique}`);
      const topic = `restock/v1/burst-${unique}/ack`;
      await promisify((done) => t.client.subscribe(topic, 1, done));
      const framesBefore = proxy.clientFrames.length;
      const other = await mqtt.connectAsync(`mqtt://127.0.0.1:${broker.port}`, {
        reconnectPeriod: 0,
      });
      const sent = Array.from({ length: 30 }, (_, i) => `{"seq":${i + 1}}`);
      await Promise.all(sent.map((m) => other.publishAsync(topic, m, { qos: 1 })));
      await other.endAsync();
      const got = await t.receivedCount(sent.length);
      expect(got.map((m) => m.payload)).toEqual(sent);
      // Wait until the PUBACKs have gone through the proxy, then count them.
      const pubacks = () =>
        proxy.clientFrames.slice(framesBefore).filter((f) => f.type === PUBACK).length;
      while (pubacks() < sent.length) await new Promise((resolve) => setTimeout(resolve, 10));
      expect(pubacks()).toBe(sent.length);
      t.client.disconnect();
      await proxy.stop();
    });
  });

  describe.runIf(available)('session behaviour', () => {
    it('re-sends an unacknowledged PUBLISH with DUP set, and the message gets through', async () => {
      const proxy = await startProxy(broker.port, 'direct');
      let dropped = false;
      proxy.dropClientFrame = (frame) => {
        if (frame.type !== PUBLISH || dropped) return false;
        dropped = true;
        return true;
      };
      const listener = await mqtt.connectAsync(`mqtt://127.0.0.1:${broker.port}`, {
        reconnectPeriod: 0,
      });
      const topic = `restock/v1/dup-${++unique}/press`;
      await listener.subscribeAsync(topic, { qos: 1 });
      const heard = new Promise<string>((resolve) =>
        listener.on('message', (_t, payload) => resolve(payload.toString())),
      );
      const t = await openClient(proxy.port, `dup-${unique}`, { resendMs: 200 });
      await promisify((done) => t.client.publish(topic, 'press-1', done));
      expect(await heard).toBe('press-1');
      const publishes = proxy.clientFrames.filter((f) => f.type === PUBLISH);
      expect(publishes.map((f) => (f.flags & 0x08) !== 0)).toEqual([false, true]);
      // The re-send carries the same packet id.
      expect(publishes[1]?.body.readUInt16BE(2 + topic.length)).toBe(
        publishes[0]?.body.readUInt16BE(2 + topic.length),
      );
      t.client.disconnect();
      await listener.endAsync();
      await proxy.stop();
    });

    it('keeps the connection alive with PINGREQ and counts the PINGRESPs', async () => {
      const proxy = await startProxy(broker.port, 'split');
      const t = await openClient(proxy.port, `ping-${++unique}`, { keepAliveS: 1 });
      while (t.client.pongs < 2) await new Promise((resolve) => setTimeout(resolve, 50));
      expect(proxy.clientFrames.filter((f) => f.type === PINGREQ).length).toBeGreaterThanOrEqual(2);
      expect(t.client.open).toBe(true);
      t.client.disconnect();
      await proxy.stop();
    });

    it('reports a dropped connection to whatever is waiting', async () => {
      const proxy = await startProxy(broker.port, 'direct');
      const t = await openClient(proxy.port, `drop-${++unique}`);
      proxy.dropClientFrame = () => true;
      const published = promisify((done) => t.client.publish('restock/v1/x/press', 'p', done));
      await proxy.stop();
      await expect(published).rejects.toThrow('socket closed');
      expect(await t.closed).toBe('socket closed');
    });
  });
});

describe('MQTT client credentials', () => {
  it('sends username and password in CONNECT and reports a refusal', async () => {
    const broker = await Aedes.createBroker();
    const seen: { username: string | undefined; password: string | undefined }[] = [];
    broker.authenticate = (_client, username, password, done) => {
      seen.push({ username, password: password?.toString() });
      done(null, password?.toString() === 'right');
    };
    const server = net.createServer(broker.handle);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as AddressInfo).port;
    const ok = await openClient(port, 'cred-ok', { username: 'btn', password: 'right' });
    ok.client.disconnect();
    await expect(
      openClient(port, 'cred-bad', { username: 'btn', password: 'wrong' }),
    ).rejects.toThrow(/connack [45]/);
    expect(seen).toEqual([
      { username: 'btn', password: 'right' },
      { username: 'btn', password: 'wrong' },
    ]);
    await new Promise<void>((resolve) => broker.close(() => resolve()));
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });
});
