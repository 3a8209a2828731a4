/**
 * What the real Espruino interpreter does differently from a naive imitation, and what each
 * difference did to a button in the hand: the built firmware on the faithful vm harness
 * (harness/chip.ts), against a real broker and the real press pipeline. The same cases run
 * on the real interpreter in espruino/real-interpreter.test.ts ("the field defects stay fixed").
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { C } from '../../device/src/constants.ts';
import { type CloudUnderTest, startTestCloud } from './helpers/cloud.ts';
import { firmwareErrors, provisionedChip } from './helpers/device.ts';

let cloud: CloudUnderTest;
let counter = 0;
const newDevice = () => `defect-${process.pid}-${++counter}`;
/** The longest sleep ESP32.deepSleep can be asked for: its µs argument is an int32. */
const MAX_SLEEP_MS = 2_147_483_647 / 1000;

beforeAll(async () => {
  cloud = await startTestCloud();
});
afterEach(() => {
  expect(firmwareErrors()).toEqual([]);
});
afterAll(async () => {
  await cloud.stop();
});

describe('field defects, on the faithful vm harness', () => {
  it('a press right after saving the setup form is delivered and the button sleeps (timer ids are reused)', async () => {
    const id = newDevice();
    const chip = provisionedChip(cloud, id);
    const wake = chip.boot({ cause: 'button', heldAtBoot: true });
    wake.release(6000);
    const port = await wake.httpPort;
    const saved = await fetch(`http://127.0.0.1:${port}/save`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: `ssid=home&password=x&host=127.0.0.1&port=${cloud.mqttPort}`,
    });
    expect(saved.status).toBe(200);
    // What the saved page asks for, while its LED pattern still plays.
    wake.click(300);
    expect(await wake.sleep).toEqual({ timerMs: 0 });
    expect(await cloud.orders(id)).toMatchObject([{ seq: 1, click: 'SINGLE' }]);
    expect(wake.shown()).toEqual(['setup', 'saved', 'ordered']);
  });

  it('eight failed wakes in a row: every back-off sleep is a positive time the chip can take', async () => {
    const id = newDevice();
    const chip = provisionedChip(cloud, id);
    const sleeps: number[] = [];
    for (let i = 0; i < 9; i++) {
      const wake = chip.boot({ cause: i === 0 ? 'button' : 'timer', brokerDown: true });
      sleeps.push((await wake.sleep).timerMs);
    }
    for (const ms of sleeps) {
      expect(ms).toBeGreaterThan(0);
      expect(ms).toBeLessThanOrEqual(MAX_SLEEP_MS);
    }
    // By the ninth the back-off step is at its cap: half to all of it.
    expect(sleeps[sleeps.length - 1]).toBeGreaterThanOrEqual(C.BACKOFF_MAX_MS / 2);
    expect(sleeps[sleeps.length - 1]).toBeLessThanOrEqual(C.BACKOFF_MAX_MS);
    const last = chip.boot({ cause: 'timer' });
    await last.sleep;
    expect(await cloud.orders(id)).toMatchObject([{ seq: 1 }]);
  });

  it('buttons that failed in one outage come back apart, though Math.random and E.hwRand draw the same on each', async () => {
    const sleeps: number[] = [];
    for (let i = 0; i < 4; i++) {
      const wake = provisionedChip(cloud, newDevice()).boot({ cause: 'button', brokerDown: true });
      const ms = (await wake.sleep).timerMs;
      expect(ms).toBeGreaterThanOrEqual(C.BACKOFF_BASE_MS / 2);
      expect(ms).toBeLessThanOrEqual(C.BACKOFF_BASE_MS);
      sleeps.push(ms);
    }
    // Lock-step would be one moment for all (two may share a millisecond by chance).
    expect(new Set(sleeps).size).toBeGreaterThan(1);
  });

  it.each([
    ['a refused port', { brokerDown: true }, '127.0.0.1'],
    ['an unknown host', {}, 'broker.invalid'],
  ])('%s: no uncaught error, "no broker" on the LED, the press kept', async (_case, boot, host) => {
    const id = newDevice();
    const chip = provisionedChip(cloud, id, { host });
    const wake = chip.boot({ cause: 'button', ...boot });
    expect((await wake.sleep).timerMs).toBeGreaterThan(0);
    expect(wake.errors).toEqual([]);
    expect(wake.shown()).toEqual(['noBroker']);
    expect(wake.logs.join('\n')).toMatch(/Unable to (create socket|locate host)/);
    expect(JSON.parse(chip.storage.get(C.FILES.QUEUE) ?? '{}').items).toHaveLength(1);
  });

  it('right after an upload the firmware runs: it arms the button, and a press orders', async () => {
    const id = newDevice();
    const chip = provisionedChip(cloud, id);
    const flashed = chip.boot({ cause: 'power', afterUpload: true });
    expect(await flashed.sleep).toEqual({ timerMs: 0 });
    const press = chip.boot({ cause: 'button' });
    await press.sleep;
    expect(press.shown()).toEqual(['ordered']);
    expect(await cloud.orders(id)).toMatchObject([{ seq: 1 }]);
  });

  it('Wi-Fi is joined with what ESP32 Espruino reads, and no link file is kept', async () => {
    const id = newDevice();
    const chip = provisionedChip(cloud, id);
    for (let i = 0; i < 2; i++) await chip.boot({ cause: 'button' }).sleep;
    const joins = chip.wakes.flatMap((w) => w.wifiJoins);
    expect(joins).toHaveLength(2);
    for (const join of joins) expect(Object.keys(join.options)).toEqual(['password']);
    expect([...chip.storage.keys()].sort()).toEqual([C.FILES.CONFIG, C.FILES.QUEUE]);
  });
});
