/**
 * The built firmware bundle on the simulated chip, against a real broker and the real press
 * pipeline (see helpers/cloud.ts). Each test is what a household would
 * notice: the LED, the orders that exist, and presses that never get lost.
 */

import mqtt from 'mqtt';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ackTopic, encodeAck, fromHex, pressIngestTopic, signAck } from '#shared/index';
import { nodeSha256 } from '../helpers/sha256.ts';
import { type CloudUnderTest, startTestCloud } from './helpers/cloud.ts';
import { firmwareErrors, provisionedChip, WIFI_PASSWORD } from './helpers/device.ts';

let cloud: CloudUnderTest;
let attacker: mqtt.MqttClient;
let counter = 0;
const newDevice = () => `btn-${process.pid}-${++counter}`;

beforeAll(async () => {
  cloud = await startTestCloud();
  attacker = await mqtt.connectAsync(`mqtt://127.0.0.1:${cloud.mqttPort}`, { reconnectPeriod: 0 });
});
afterEach(() => {
  cloud.setAckDropper(null);
  // Espruino carries on after an exception in a callback; the harness records them instead.
  expect(firmwareErrors()).toEqual([]);
});
afterAll(async () => {
  await attacker.endAsync();
  await cloud.stop();
});

describe('a press on the built firmware', () => {
  it('single press: the order is placed and the LED says "ordered"', async () => {
    const id = newDevice();
    const wake = provisionedChip(cloud, id).boot({ cause: 'button' });
    const sleep = await wake.sleep;
    expect(wake.shown()).toEqual(['ordered']);
    expect(sleep.timerMs).toBe(0);
    expect(await cloud.orders(id)).toMatchObject([{ seq: 1, click: 'SINGLE', status: 'PLACED' }]);
    expect(wake.errors).toEqual([]);
  });

  it('broker down: the press stays in flash and the next wake delivers it, same seq, one order', async () => {
    const id = newDevice();
    const chip = provisionedChip(cloud, id);
    const first = chip.boot({ cause: 'button', brokerDown: true });
    const backoff = await first.sleep;
    expect(first.shown()).toEqual(['noBroker']);
    expect(backoff.timerMs).toBeGreaterThan(0);
    expect(await cloud.presses(id)).toEqual([]);

    const second = chip.boot({ cause: 'timer' });
    expect((await second.sleep).timerMs).toBe(0);
    expect(second.shown()).toEqual(['ordered']);
    expect((await cloud.presses(id)).map((p) => p.seq)).toEqual([1]);
    expect(await cloud.orders(id)).toHaveLength(1);
    expect([...first.errors, ...second.errors]).toEqual([]);
  });

  it('no Wi-Fi: "no Wi-Fi" on the LED, the press is delivered once the network is back', async () => {
    const id = newDevice();
    const chip = provisionedChip(cloud, id);
    const first = chip.boot({ cause: 'button', wifiFailures: Number.POSITIVE_INFINITY });
    expect((await first.sleep).timerMs).toBeGreaterThan(0);
    expect(first.shown()).toEqual(['noWifi']);
    const second = chip.boot({ cause: 'timer' });
    await second.sleep;
    expect(second.shown()).toEqual(['ordered']);
    expect(await cloud.orders(id)).toMatchObject([{ seq: 1 }]);
  });

  it('Wi-Fi is joined while the click is classified; the seq is in flash before its publish', async () => {
    const id = newDevice();
    const wake = provisionedChip(cloud, id).boot({ cause: 'button' });
    await wake.sleep;
    const queued = wake.trace.findIndex((t) => t.startsWith('flash rs.q') && t.includes('"seq":1'));
    expect(queued).toBeGreaterThan(wake.trace.indexOf('wifi'));
    expect(wake.trace.indexOf('publish')).toBeGreaterThan(queued);
    expect(await cloud.orders(id)).toMatchObject([{ seq: 1, status: 'PLACED' }]);
  });

  it('a LONG press from the wake never orders, though Wi-Fi joined before it was known', async () => {
    const id = newDevice();
    const wake = provisionedChip(cloud, id).boot({ cause: 'button', heldAtBoot: true });
    wake.release(2000);
    await wake.sleep;
    const queued = wake.trace.findIndex((t) => t.startsWith('flash rs.q'));
    expect(wake.trace.indexOf('wifi')).toBeLessThan(queued);
    expect((await cloud.presses(id)).map((p) => p.click)).toEqual(['LONG']);
    expect(await cloud.orders(id)).toEqual([]);
  });

  it('ack lost: the device re-sends the same seq and shows the original outcome; one order', async () => {
    const id = newDevice();
    cloud.setAckDropper((_ack, n) => n === 1);
    const wake = provisionedChip(cloud, id).boot({ cause: 'button' });
    await wake.sleep;
    expect(wake.shown()).toEqual(['ordered']);
    const presses = await cloud.presses(id);
    expect(presses.length).toBeGreaterThanOrEqual(2);
    expect(new Set(presses.map((p) => p.seq))).toEqual(new Set([1]));
    expect(presses.map((p) => p.attempt).slice(0, 2)).toEqual([1, 2]);
    expect(await cloud.orders(id)).toHaveLength(1);
  });

  const forgeries: [string, (ack: Record<string, unknown>, id: string) => string][] = [
    [
      'a flipped signature',
      // Change the first character whatever it is: a signature that already starts with the
      // replacement would otherwise stay genuine.
      (a) => {
        const sig = String(a.sig);
        return JSON.stringify({ ...a, sig: `${sig[0] === '0' ? '1' : '0'}${sig.slice(1)}` });
      },
    ],
    [
      'a signature made with another key',
      (a, id) =>
        encodeAck(
          signAck(nodeSha256, fromHex(cloud.deviceSecret(`${id}-x`)) as Uint8Array, {
            device: id,
            seq: a.seq as number,
            outcome: 'ORDERED',
            kv: 1,
          }),
        ),
    ],
    [
      'a genuine ack for another sequence number',
      (a, id) =>
        encodeAck(
          signAck(nodeSha256, fromHex(cloud.deviceSecret(id)) as Uint8Array, {
            device: id,
            seq: (a.seq as number) + 1,
            outcome: 'ORDERED',
            kv: 1,
          }),
        ),
    ],
    [
      "another device's genuine ack",
      (a, id) =>
        encodeAck(
          signAck(nodeSha256, fromHex(cloud.deviceSecret(`${id}-x`)) as Uint8Array, {
            device: `${id}-x`,
            seq: a.seq as number,
            outcome: 'ORDERED',
            kv: 1,
          }),
        ),
    ],
  ];

  it.each(forgeries)(
    'an ack with %s is not shown as "ordered" and the press is kept',
    async (_name, forge) => {
      const id = newDevice();
      const chip = provisionedChip(cloud, id);
      cloud.setAckDropper((ack) => {
        attacker.publish(ackTopic(id), forge(JSON.parse(ack), id), { qos: 1 });
        return true;
      });
      const first = chip.boot({ cause: 'button' });
      expect((await first.sleep).timerMs).toBeGreaterThan(0);
      expect(first.shown()).toEqual(['noBroker']);

      cloud.setAckDropper(null);
      const second = chip.boot({ cause: 'timer' });
      await second.sleep;
      expect(second.shown()).toEqual(['ordered']);
      expect(await cloud.orders(id)).toHaveLength(1);
    },
  );

  it('LONG (held 1.5-5 s): cancels the latest order', async () => {
    const id = newDevice();
    const chip = provisionedChip(cloud, id);
    await chip.boot({ cause: 'button' }).sleep;
    const wake = chip.boot({ cause: 'button', heldAtBoot: true });
    wake.release(2000);
    await wake.sleep;
    expect(wake.shown()).toEqual(['cancelled']);
    expect(await cloud.orders(id)).toMatchObject([{ seq: 1, status: 'CANCELLED' }]);
    expect((await cloud.presses(id)).map((p) => p.click)).toEqual(['SINGLE', 'LONG']);
  });

  it('DOUBLE: a second press right after the wake press sends the second action', async () => {
    const id = newDevice();
    const wake = provisionedChip(cloud, id).boot({ cause: 'button' });
    wake.click(150);
    await wake.sleep;
    expect((await cloud.presses(id)).map((p) => p.click)).toEqual(['DOUBLE']);
    expect(await cloud.orders(id)).toMatchObject([{ click: 'DOUBLE', status: 'PLACED' }]);
    expect(wake.shown()).toEqual(['ordered']);
  });

  it('fast repeated presses right after the wake are all counted, each with its own seq', async () => {
    const id = newDevice();
    const wake = provisionedChip(cloud, id).boot({ cause: 'button' });
    wake.click(1000);
    wake.click(1000);
    await wake.sleep;
    expect((await cloud.presses(id)).map((p) => [p.seq, p.click])).toEqual([
      [1, 'SINGLE'],
      [2, 'SINGLE'],
      [3, 'SINGLE'],
    ]);
    expect(wake.shown()).toEqual(['ordered', 'inProgress', 'inProgress']);
    expect(await cloud.orders(id)).toHaveLength(1);
  });

  it('presses while offline queue up to the limit, oldest kept, and go out in order', async () => {
    const id = newDevice();
    const chip = provisionedChip(cloud, id);
    const offline = chip.boot({ cause: 'button', brokerDown: true });
    for (let i = 0; i < 9; i++) offline.click(1000);
    await offline.sleep;
    expect(offline.shown().filter((n) => n !== 'noBroker')).toEqual([]);
    const online = chip.boot({ cause: 'timer' });
    await online.sleep;
    expect((await cloud.presses(id)).map((p) => p.seq)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    expect(online.shown()).toEqual(['ordered', ...Array(7).fill('inProgress')]);
  });

  it('low battery: the outcome, then the low-battery pattern; the voltage is reported', async () => {
    const id = newDevice();
    const wake = provisionedChip(cloud, id).boot({ cause: 'button', batteryMv: 3100 });
    await wake.sleep;
    expect(wake.shown()).toEqual(['ordered', 'lowBattery']);
    expect((await cloud.presses(id))[0]?.battery_mv).toBe(3100);
  });

  it('held ≥ 5 s: setup mode saves new Wi-Fi settings, no MQTT, no secret ever shown', async () => {
    const id = newDevice();
    const chip = provisionedChip(cloud, id);
    const wake = chip.boot({ cause: 'button', heldAtBoot: true });
    wake.release(6000);
    const port = await wake.httpPort;
    expect(wake.accessPoint?.ssid).toMatch(/^Restock-/);
    expect(wake.shown()[0]).toBe('setup');
    const page = await (await fetch(`http://127.0.0.1:${port}/`)).text();
    expect(page).toContain('name=ssid');
    expect(page).toContain('value="home"');
    for (const secret of [WIFI_PASSWORD, cloud.deviceSecret(id)])
      expect(page).not.toContain(secret);

    const saved = await fetch(`http://127.0.0.1:${port}/save`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: `ssid=attic+net&password=n%26w-pass&host=127.0.0.1&port=${cloud.mqttPort}`,
    });
    expect(saved.status).toBe(200);
    expect((await wake.sleep).timerMs).toBe(0);
    expect(await cloud.presses(id)).toEqual([]);

    const next = chip.boot({ cause: 'button' });
    await next.sleep;
    expect(next.wifiJoins[0]).toMatchObject({
      ssid: 'attic net',
      options: { password: 'n&w-pass' },
    });
    expect(next.shown()).toEqual(['ordered']);
    const logs = [...wake.logs, ...next.logs].join('\n');
    for (const secret of [WIFI_PASSWORD, 'n&w-pass', cloud.deviceSecret(id)]) {
      expect(logs).not.toContain(secret);
    }
  });
});

describe('the MQTT session', () => {
  it('the broker keeps the session: the next wake sends no SUBSCRIBE; after a broker restart it subscribes again', async () => {
    // Its own cloud: the restart drops every connection, the shared attacker's too.
    const own = await startTestCloud();
    const id = newDevice();
    const chip = provisionedChip(own, id);
    const first = chip.boot({ cause: 'button' });
    await first.sleep;
    expect(first.shown()).toEqual(['ordered']);
    expect(own.subscribes(id)).toBe(1);

    const second = chip.boot({ cause: 'button' });
    await second.sleep;
    expect(second.shown()).toEqual(['inProgress']);
    expect(own.subscribes(id)).toBe(1);

    await own.restartBroker();
    const third = chip.boot({ cause: 'button' });
    await third.sleep;
    expect(third.shown()).toEqual(['inProgress']);
    expect(own.subscribes(id)).toBe(2);
    expect(own.publishTopics(id)).toEqual([1, 2, 3].map(() => pressIngestTopic(id)));
    expect((await own.presses(id)).map((p) => p.seq)).toEqual([1, 2, 3]);
    expect([...first.errors, ...second.errors, ...third.errors]).toEqual([]);
    await own.stop();
  });
});
