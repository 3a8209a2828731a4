/**
 * Firmware updates on the REAL Espruino interpreter: the exact upload `npm run flash` sends
 * (loader as `.bootcde`, firmware 1 in slot 0), one interpreter start per wake, against the
 * real local stack, which serves the signed manifest and the image's blocks on the AWS IoT
 * file-delivery topics and records the Jobs progress the button reports.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { UpdateAssignment } from '../../../cloud/core/ota/ports.ts';
import { DynamoButtonStore } from '../../../cloud/store/dynamo/dynamo-button-store.ts';
import {
  DynamoFirmwareImageStore,
  DynamoUpdateAssignmentStore,
} from '../../../cloud/store/dynamo/dynamo-ota-stores.ts';
import { bundleDevice } from '../../../device/scripts/build.ts';
import { C } from '../../../device/src/constants.ts';
import { flashedChip } from './flashed-chip.ts';
import { type LocalStack, startLocalStack } from './local-stack.ts';
import { RealChip, type RealWake, realInterpreterMissing } from './real-chip.ts';

const missing = realInterpreterMissing();
if (missing) console.log(missing);

let local: LocalStack;
let jobs = 0;

function expectHealthy(wake: RealWake): void {
  expect(wake.uncaught(), wake.output).toEqual([]);
  expect(wake.stayedAwake, wake.output).toBe(false);
}

const image = (text: string) => new Uint8Array(Buffer.from(text, 'latin1'));

async function assignUpdate(deviceId: string, fw: number, bytes: Uint8Array) {
  const stored = await new DynamoFirmwareImageStore(local.stack.table, { now: Date.now }).put(
    'acme',
    fw,
    bytes,
  );
  const job = `job-${process.pid}-${++jobs}`;
  await assignments().assign(deviceId, job, fw);
  return { job, image: stored };
}

const assignments = () => new DynamoUpdateAssignmentStore(local.stack.table, { now: Date.now });

async function state(deviceId: string): Promise<UpdateAssignment | null> {
  // Reports travel button → broker → store asynchronously: wait until the last one settled.
  let last = await assignments().get(deviceId);
  for (let i = 0; i < 40; i++) {
    await new Promise((resolve) => setTimeout(resolve, 50));
    const now = await assignments().get(deviceId);
    if (JSON.stringify(now) === JSON.stringify(last) && i > 4) break;
    last = now;
  }
  return last;
}

describe.skipIf(missing !== null)(
  'firmware updates on the real Espruino interpreter',
  { timeout: 240_000 },
  () => {
    beforeAll(async () => {
      local = await startLocalStack();
    }, 120_000);
    afterAll(async () => {
      await RealChip.removeAll();
      await local?.close();
    });

    it('an update arrives over 3 press wakes (resuming), is verified and switched; the next press orders and reports firmware 2', async () => {
      const config = await local.newButton({ tls: false });
      const { chip } = await flashedChip(config);
      const firmware2 = image(await bundleDevice('main', 2));
      const { job, image: stored } = await assignUpdate(config.device, 2, firmware2);
      const blocks = Math.ceil(stored.size / stored.block);
      expect(blocks).toBeGreaterThan(2 * C.UPDATE_BLOCKS_PER_WAKE);
      expect(blocks).toBeLessThanOrEqual(3 * C.UPDATE_BLOCKS_PER_WAKE);

      const progress: (number | undefined)[] = [];
      for (let wake = 1; wake <= 3; wake++) {
        const w = await chip.boot({ cause: 'button', limitMs: 60_000 });
        expectHealthy(w);
        expect(w.shown()[0]).toMatch(/ordered|inProgress/);
        const s = await state(config.device);
        progress.push(s?.block);
        if (wake < 3) expect(s).toMatchObject({ job, state: 'downloading' });
        else expect(s).toMatchObject({ job, state: 'verifying' });
      }
      expect(progress.slice(0, 2)).toEqual([
        C.UPDATE_BLOCKS_PER_WAKE,
        2 * C.UPDATE_BLOCKS_PER_WAKE,
      ]);

      const next = await chip.boot({ cause: 'button', limitMs: 60_000 });
      expectHealthy(next);
      expect(next.shown()).toEqual(['inProgress']);
      expect(await state(config.device)).toMatchObject({ job, state: 'switched' });
      const button = await new DynamoButtonStore(local.stack.table).getButton(config.device);
      expect(button).toMatchObject({ firmware: 2 });
      expect((await local.presses(config.device)).map((p) => p.outcome)).toEqual([
        'ORDERED',
        'IN_PROGRESS',
        'IN_PROGRESS',
        'IN_PROGRESS',
      ]);
      await chip.remove();
    });
  },
);
