/**
 * Power loss at every point of a firmware update, on the vm harness (the built loader and
 * firmware, Storage as Espruino keeps it, power cut right after the n-th flash write or erase),
 * against the real local stack. For every n over the whole update — three download wakes, the
 * switch, the new firmware's first press — the button must afterwards boot a working firmware,
 * end on the new one, and deliver every press it had queued, each sequence number once.
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DynamoButtonStore } from '../../cloud/store/dynamo/dynamo-button-store.ts';
import {
  DynamoFirmwareImageStore,
  DynamoUpdateAssignmentStore,
} from '../../cloud/store/dynamo/dynamo-ota-stores.ts';
import { bundleDevice } from '../../device/scripts/build.ts';
import { flashFiles } from '../../device/scripts/flash-config.ts';
import { type LocalStack, startLocalStack } from './espruino/local-stack.ts';
import { SimulatedChip, type Wake } from './harness/chip.ts';
import { builtBundle } from './helpers/device.ts';

const LOADER = new URL('../../device/dist/loader.js', import.meta.url);
/** The update's wakes as a household causes them: three presses download, the fourth runs it. */
const SCENARIO_WAKES = 4;

let local: LocalStack;
let firmware2: Uint8Array;

beforeAll(async () => {
  local = await startLocalStack();
  firmware2 = new Uint8Array(Buffer.from(await bundleDevice('main', 2), 'latin1'));
}, 120_000);
afterAll(async () => {
  await local?.close();
});

async function flashedButton(): Promise<{ chip: SimulatedChip; device: string }> {
  const config = await local.newButton({ tls: false });
  // Time at twice real speed: the updater's per-wake radio bound stays seconds on a busy host.
  const chip = new SimulatedChip(readFileSync(LOADER, 'utf8'), 2);
  for (const f of flashFiles(config)) chip.storage.set(f.name, f.content);
  chip.storage.set('rs.s0', builtBundle());
  const clock = { now: Date.now };
  await new DynamoFirmwareImageStore(local.stack.table, clock).put('acme', 2, firmware2);
  await new DynamoUpdateAssignmentStore(local.stack.table, clock).assign(config.device, 'job-1', 2);
  return { chip, device: config.device };
}

/** A wake; a wake that lost power is over at the cut, any other must end in a deep sleep. */
async function wake(chip: SimulatedChip, cause: 'button' | 'timer', cut?: number): Promise<Wake> {
  const w = chip.boot(cut === undefined ? { cause } : { cause, cutAfterWrites: cut });
  const sleep = await w.sleep;
  if (!sleep.powerLost) expect(w.errors, w.logs.join('\n')).toEqual([]);
  return w;
}

const queued = (chip: SimulatedChip) =>
  (JSON.parse(chip.storage.get('rs.q') ?? '{"items":[]}') as { items: unknown[] }).items.length;

describe('power loss during a firmware update (vm harness, every flash write)', {
  timeout: 1_500_000,
}, () => {
  const writesPerWake: number[] = [];

  it('the update without power loss: press wakes download and switch, the next press runs firmware 2', async () => {
    const { chip, device } = await flashedButton();
    const assignments = new DynamoUpdateAssignmentStore(local.stack.table, { now: Date.now });
    for (let i = 0; i < 12 && (await assignments.get(device))?.state !== 'switched'; i++) {
      writesPerWake.push((await wake(chip, 'button')).flashWrites);
    }
    expect(writesPerWake.length).toBeGreaterThanOrEqual(SCENARIO_WAKES);
    expect(await assignments.get(device)).toMatchObject({ state: 'switched' });
    expect(await new DynamoButtonStore(local.stack.table).getButton(device)).toMatchObject({
      firmware: 2,
    });
    expect(queued(chip)).toBe(0);
    const seqs = (await local.presses(device)).map((p) => p.seq);
    expect(seqs).toEqual(seqs.map((_, i) => i + 1));
  });

  it('power cut after each flash write of the update: a working firmware boots, it ends on firmware 2, no press lost', async () => {
    const total = writesPerWake.reduce((a, b) => a + b, 0);
    expect(total).toBeGreaterThan(30);
    const failures: string[] = [];
    for (let n = 1; n <= total; n++) {
      const { chip, device } = await flashedButton();
      const assignments = new DynamoUpdateAssignmentStore(local.stack.table, { now: Date.now });
      // Presses as a household makes them; the n-th flash write of the run is the last one
      // before the power goes, and a timer wake follows the outage (a queued press goes out).
      let left = n;
      let cut = false;
      for (let i = 0; i < 16; i++) {
        const w = await wake(chip, 'button', cut ? undefined : left);
        if (!cut && (await w.sleep).powerLost) {
          cut = true;
          await wake(chip, 'timer');
          continue;
        }
        if (!cut) left -= w.flashWrites;
        if (
          cut &&
          i >= SCENARIO_WAKES - 1 &&
          (await assignments.get(device))?.state === 'switched'
        ) {
          break;
        }
      }
      if (!cut) failures.push(`n=${n}: no cut`);
      const state = (await assignments.get(device))?.state;
      const seqs = (await local.presses(device)).map((p) => p.seq);
      const running = chip.wakes.at(-1)?.logs ?? [];
      const firmware = (await new DynamoButtonStore(local.stack.table).getButton(device))?.firmware;
      if (firmware !== 2) failures.push(`n=${n}: last press reported firmware ${firmware}`);
      if (state !== 'switched') failures.push(`n=${n}: ended ${state}`);
      if (queued(chip) !== 0) failures.push(`n=${n}: ${queued(chip)} presses still queued`);
      if (JSON.stringify(seqs) !== JSON.stringify(seqs.map((_, i) => i + 1))) {
        failures.push(`n=${n}: presses ${JSON.stringify(seqs)}`);
      }
      if (running.some((line) => line.includes('failed')))
        failures.push(`n=${n}: ${running.join(' | ')}`);
    }
    console.log(
      `power cut after each of the ${total} flash writes of an update: ${failures.length} failures`,
    );
    expect(failures).toEqual([]);
  });
});
