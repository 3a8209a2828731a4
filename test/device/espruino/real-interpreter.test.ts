/**
 * Device in the loop: the exact upload `npm run flash` produces, stored and booted by the REAL
 * Espruino interpreter (ESPRUINO_BIN: its Linux port with the ESP32's 16 383 variables), one
 * interpreter start per wake, against the real local stack over plain TCP and mutual TLS.
 * The prelude fakes only what Linux lacks (prelude.ts). Without an interpreter the suite says
 * so in one line and skips, so a fresh clone passes `npm test`.
 */
import { spawnSync } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ackTopic,
  encodeAck,
  fromHex,
  parseTopic,
  pressIngestTopic,
  signAck,
  withoutIngestPrefix,
} from '#shared/index';
import { nodeSha256 } from '../../../cloud/core/sha256.ts';
import { freePorts } from '../../../cloud/local/tools/free-ports.ts';
import { C } from '../../../device/src/constants.ts';
import { IMITATION_CASES } from '../espruino-facts.ts';
import { flashedChip } from './flashed-chip.ts';
import { type LocalStack, startLocalStack } from './local-stack.ts';
import { portGate } from './port-gate.ts';
import { RealChip, type RealWake, realInterpreterMissing, runScript } from './real-chip.ts';

const missing = realInterpreterMissing();
if (missing) console.log(missing);

const INT32_MAX = 2_147_483_647;
let local: LocalStack;

/** What a household would call a healthy wake: it ended in deep sleep, nothing uncaught. */
function expectHealthy(wake: RealWake): void {
  expect(wake.uncaught(), wake.output).toEqual([]);
  expect(wake.stayedAwake, wake.output).toBe(false);
}

/** The timer sleep after a first failed wake: half to all of the first back-off step, in µs. */
function firstBackoffUs(wake: RealWake): number {
  const sleep = wake.sleep();
  expect(sleep, wake.output).toMatchObject({ kind: 'timer' });
  const us = sleep?.us as number;
  expect(us).toBeGreaterThanOrEqual((C.BACKOFF_BASE_MS / 2) * 1000);
  expect(us).toBeLessThanOrEqual(C.BACKOFF_BASE_MS * 1000);
  return us;
}

/** A short press `atMs` after the boot: down, then up 100 ms later. */
const clickAt = (atMs: number) => [
  { atMs, pressed: true },
  { atMs: atMs + 100, pressed: false },
];

describe.skipIf(missing !== null)(
  'the firmware on the real Espruino interpreter',
  {
    timeout: 120_000,
  },
  () => {
    beforeAll(async () => {
      local = await startLocalStack();
    }, 120_000);
    afterAll(async () => {
      await RealChip.removeAll();
      await local?.close();
    });

    describe('the interpreter behaves as the vm harness imitates it', () => {
      it.each(IMITATION_CASES.filter((c) => c.real))(
        '$fact',
        async ({ script, expected, boots }) => {
          const closed = await portGate(1);
          for (let n = 0; n < (boots ?? 1); n++) {
            expect(await runScript(script.replace('CLOSED_PORT', String(closed.port)))).toEqual(
              expected,
            );
          }
        },
      );
    });

    describe('presses', () => {
      it('single: `npm run flash -- --dry-run --out` fed to the chip, then a press orders, no reset', async () => {
        const config = await local.newButton({ tls: false });
        const chip = await RealChip.create();
        const configFile = join(chip.dir, 'device.json');
        const uploadFile = join(chip.dir, 'upload.js');
        await writeFile(configFile, JSON.stringify(config), { mode: 0o600 });
        const cli = spawnSync(
          process.execPath,
          [
            '--import',
            'tsx',
            'device/scripts/flash.ts',
            '--config',
            configFile,
            '--dry-run',
            '--out',
            uploadFile,
          ],
          { encoding: 'utf8' },
        );
        expect(cli.status, cli.stderr).toBe(0);
        const flashed = await chip.flash(await readFile(uploadFile, 'latin1'), {
          cause: 'power',
          limitMs: 15_000,
        });
        // The firmware ran after load() and armed the button for the press that wakes it.
        expectHealthy(flashed);
        expect(flashed.sleep()).toMatchObject({ kind: 'button', us: 0 });

        const press = await chip.boot({ cause: 'button' });
        expectHealthy(press);
        expect(press.shown()).toEqual(['ordered']);
        expect(press.sleep()).toMatchObject({ kind: 'button' });
        expect(await local.orders(config.device)).toMatchObject([{ seq: 1, status: 'PLACED' }]);
        await chip.remove();
      });

      it('double: a second press within the gap sends the second action', async () => {
        const { chip, config } = await flashedChip(await local.newButton({ tls: false }));
        const wake = await chip.boot({ cause: 'button', edges: clickAt(150) });
        expectHealthy(wake);
        expect(wake.shown()).toEqual(['ordered']);
        expect((await local.presses(config.device)).map((p) => p.click)).toEqual(['DOUBLE']);
        expect(await local.orders(config.device)).toMatchObject([{ skuId: 'filters-100' }]);
        await chip.remove();
      });

      it('long: held 2 s cancels the latest order, and never orders itself', async () => {
        const { chip, config } = await flashedChip(await local.newButton({ tls: false }));
        expectHealthy(await chip.boot({ cause: 'button' }));
        const wake = await chip.boot({
          cause: 'button',
          held: true,
          edges: [{ atMs: 2000, pressed: false }],
        });
        expectHealthy(wake);
        expect(wake.shown()).toEqual(['cancelled']);
        expect((await local.presses(config.device)).map((p) => p.click)).toEqual([
          'SINGLE',
          'LONG',
        ]);
        expect(await local.orders(config.device)).toMatchObject([{ seq: 1, status: 'CANCELLED' }]);
        await chip.remove();
      });

      it('session: the next wake resumes it without SUBSCRIBE; after a broker restart it subscribes again', async () => {
        const { chip, config } = await flashedChip(await local.newButton({ tls: false }));
        const id = config.device;
        let subscribes = 0;
        const topics: string[] = [];
        const watchBroker = () => {
          const aedes = local.stack.broker.aedes;
          aedes.on('subscribe', (_subscriptions, client) => {
            if (client.id === id) subscribes++;
          });
          aedes.on('publish', (packet, client) => {
            if (client?.id === id) topics.push(packet.topic);
          });
        };
        watchBroker();
        const first = await chip.boot({ cause: 'button' });
        expectHealthy(first);
        expect(first.shown()).toEqual(['ordered']);
        expect(subscribes).toBe(1);

        const second = await chip.boot({ cause: 'button' });
        expectHealthy(second);
        expect(second.shown()).toEqual(['inProgress']);
        expect(subscribes).toBe(1);

        await local.stack.restartBroker(0);
        watchBroker();
        const third = await chip.boot({ cause: 'button' });
        expectHealthy(third);
        expect(third.shown()).toEqual(['inProgress']);
        expect(subscribes).toBe(2);
        expect(topics).toEqual([1, 2, 3].map(() => pressIngestTopic(id)));
        expect((await local.presses(id)).map((p) => p.seq)).toEqual([1, 2, 3]);
        await chip.remove();
      });

      it('setup: held 6 s, the form saved, a press right after is ordered and the chip sleeps', async () => {
        const config = await local.newButton({ tls: false });
        const { chip } = await flashedChip(config);
        const [httpPort] = (await freePorts(1)) as [number];
        const pages: string[] = [];
        const wake = await chip.boot({
          cause: 'button',
          held: true,
          httpPort,
          edges: [{ atMs: 6000, pressed: false }],
          limitMs: 40_000,
          onEvent: (event, press) => {
            if (event.ev !== 'http') return;
            void (async () => {
              // The page is up once the hold reached 5 s; the user lets go at 6 s, then saves.
              await new Promise((resolve) => setTimeout(resolve, 1500));
              pages.push(await (await fetch(`http://127.0.0.1:${httpPort}/`)).text());
              const saved = await fetch(`http://127.0.0.1:${httpPort}/save`, {
                method: 'POST',
                headers: { 'content-type': 'application/x-www-form-urlencoded' },
                body: `ssid=attic&password=new-pass&host=127.0.0.1&port=${config.broker.port}`,
              });
              pages.push(await saved.text());
              // What the saved page asks for, while its LED pattern still plays.
              press(true);
              setTimeout(() => press(false), 100);
            })();
          },
        });
        expectHealthy(wake);
        expect(pages[0]).toContain('name=ssid');
        expect(pages[0]).not.toContain(config.secret);
        expect(pages[1]).toContain('Saved');
        expect(wake.shown()).toEqual(['setup', 'saved', 'ordered']);
        expect(wake.events.filter((e) => e.ev === 'wifi').map((e) => e.ssid)).toContain('attic');
        expect(await local.orders(config.device)).toMatchObject([{ seq: 1 }]);
        await chip.remove();
      });

      it('queue full: with 7 presses waiting, an 8th is kept and a 9th refused; all 8 go out in order', async () => {
        const gate = await portGate(local.stack.runtime.mqttPort);
        const config = await local.newButton({ tls: false, port: gate.port });
        const { chip } = await flashedChip(config);
        // What seven presses on earlier failed wakes leave in flash.
        const items = [1, 2, 3, 4, 5, 6, 7].map((seq) => ({
          seq,
          click: 'SINGLE',
          battery_mv: 3900,
          attempt: 1,
        }));
        const offline = await chip.boot({
          cause: 'button',
          edges: clickAt(700),
          files: { [C.FILES.QUEUE]: JSON.stringify({ seq: 7, fails: 1, items }) },
        });
        expectHealthy(offline);
        expect(offline.sleep()?.kind).toBe('timer');
        // The failed delivery, then the refused 9th press.
        expect(offline.shown()).toEqual(['noBroker', 'noBroker']);

        await gate.open();
        const online = await chip.boot({ cause: 'timer' });
        expectHealthy(online);
        expect((await local.presses(config.device)).map((p) => p.seq)).toEqual([
          1, 2, 3, 4, 5, 6, 7, 8,
        ]);
        expect(online.shown()).toEqual(['ordered', ...Array(7).fill('inProgress')]);
        await gate.close();
        await chip.remove();
      });

      it('broker down: the press is kept, a jittered back-off timer wake delivers it with the same seq', async () => {
        const gate = await portGate(local.stack.runtime.mqttPort);
        const config = await local.newButton({ tls: false, port: gate.port });
        const { chip } = await flashedChip(config);
        const down = await chip.boot({ cause: 'button' });
        expectHealthy(down);
        expect(down.shown()).toEqual(['noBroker']);
        const backoffs = [firstBackoffUs(down)];
        // Two more buttons in the same outage: their interpreters draw the same Math.random and
        // E.hwRand numbers after boot, yet they must not all come back at the same moment.
        for (let i = 0; i < 2; i++) {
          const other = await flashedChip(await local.newButton({ tls: false, port: gate.port }));
          const otherDown = await other.chip.boot({ cause: 'button' });
          expectHealthy(otherDown);
          backoffs.push(firstBackoffUs(otherDown));
          await other.chip.remove();
        }
        expect(new Set(backoffs).size).toBeGreaterThan(1);

        await gate.open();
        const timer = await chip.boot({ cause: 'timer' });
        expectHealthy(timer);
        expect(timer.shown()).toEqual(['ordered']);
        expect(timer.sleep()).toMatchObject({ kind: 'button' });
        expect((await local.presses(config.device)).map((p) => p.seq)).toEqual([1]);
        expect(await local.orders(config.device)).toHaveLength(1);
        await gate.close();
        await chip.remove();
      });

      it('forged ack: an ack that does not verify is ignored; the genuine one orders once', async () => {
        const config = await local.newButton({ tls: false });
        const { chip } = await flashedChip(config);
        const aedes = local.stack.broker.aedes;
        const key = fromHex(config.secret) as Uint8Array;
        const forge = (packet: { topic: string }, client: unknown) => {
          const topic = parseTopic(withoutIngestPrefix(packet.topic));
          if (!client || topic?.kind !== 'press' || topic.deviceId !== config.device) return;
          const genuine = signAck(nodeSha256, key, {
            device: config.device,
            seq: 1,
            outcome: 'ORDERED',
            kv: 1,
          });
          const forged = {
            ...genuine,
            sig: `${genuine.sig[0] === '0' ? '1' : '0'}${genuine.sig.slice(1)}`,
          };
          aedes.publish(
            {
              cmd: 'publish',
              topic: ackTopic(config.device),
              payload: Buffer.from(encodeAck(forged)),
              qos: 1,
              retain: false,
              dup: false,
            },
            () => {},
          );
        };
        aedes.on('publish', forge);
        try {
          const wake = await chip.boot({ cause: 'button' });
          expectHealthy(wake);
          expect(wake.output).toContain('ack signature mismatch');
          expect(wake.shown()).toEqual(['ordered']);
          expect(await local.orders(config.device)).toHaveLength(1);
        } finally {
          aedes.removeListener('publish', forge);
          await chip.remove();
        }
      });

      it('TLS: mutual TLS to the local broker, a press orders', async () => {
        const { chip, config } = await flashedChip(await local.newButton({ tls: true }));
        const wake = await chip.boot({ cause: 'button', limitMs: 60_000 });
        expectHealthy(wake);
        expect(wake.shown()).toEqual(['ordered']);
        expect(await local.orders(config.device)).toMatchObject([{ seq: 1, status: 'PLACED' }]);
        await chip.remove();
      });
    });

    describe('the field defects stay fixed', () => {
      it('eight failed wakes in a row: the back-off sleep stays a positive int32 of µs', async () => {
        const gate = await portGate(local.stack.runtime.mqttPort);
        const config = await local.newButton({ tls: false, port: gate.port });
        const { chip } = await flashedChip(config);
        // What seven failed wakes leave in flash.
        const queue = {
          seq: 1,
          fails: 7,
          items: [{ seq: 1, click: 'SINGLE', battery_mv: 3900, attempt: 7 }],
        };
        const wake = await chip.boot({
          cause: 'timer',
          files: { [C.FILES.QUEUE]: JSON.stringify(queue) },
        });
        const us = wake.sleep()?.us as number;
        expect(us).toBeGreaterThan(0);
        expect(us).toBeLessThanOrEqual(INT32_MAX);
        expectHealthy(wake);
        await chip.remove();
      });

      it.each([
        ['a refused port', 'closed'],
        ['an unknown host', 'broker.invalid'],
      ])('%s: no uncaught error, "no broker" at once, the press kept', async (_case, where) => {
        const gate = await portGate(1);
        const config = await local.newButton(
          where === 'closed' ? { tls: false, port: gate.port } : { tls: false, host: where },
        );
        const { chip } = await flashedChip(config);
        const wake = await chip.boot({ cause: 'button' });
        expectHealthy(wake);
        expect(wake.output).toMatch(/connect: .*Unable to (create socket|locate host)/);
        expect(wake.shown()).toEqual(['noBroker']);
        expect(wake.sleep()?.kind).toBe('timer');
        await chip.remove();
      });

      it('Wi-Fi is joined with the only option ESP32 Espruino reads', async () => {
        const { chip } = await flashedChip(await local.newButton({ tls: false }));
        for (let i = 0; i < 2; i++) {
          const wake = await chip.boot({ cause: 'button' });
          expectHealthy(wake);
          expect(wake.first('wifi')?.options).toEqual(['password']);
        }
        await chip.remove();
      });
    });
  },
);
