/**
 * Firmware updates on the REAL Espruino interpreter: the exact upload `npm run flash` sends
 * (loader as `.bootcde`, firmware 1 in slot 0), one interpreter start per wake, against the
 * real local stack, which serves the signed manifest and the image's blocks on the AWS IoT
 * file-delivery topics and records the Jobs progress the button reports.
 */
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  encodeManifest,
  fromHex,
  manifestGetTopic,
  manifestTopic,
  signManifest,
} from '#shared/index';
import type { UpdateAssignment } from '../../../cloud/core/ota/ports.ts';
import { nodeSha256 } from '../../../cloud/core/sha256.ts';
import { DynamoButtonStore } from '../../../cloud/store/dynamo/dynamo-button-store.ts';
import {
  DynamoFirmwareImageStore,
  DynamoUpdateAssignmentStore,
} from '../../../cloud/store/dynamo/dynamo-ota-stores.ts';
import { keys } from '../../../cloud/store/dynamo/table-keys.ts';
import { bundleDevice } from '../../../device/scripts/build.ts';
import { TRIAL_WAKES } from '../../../device/src/boot-record.ts';
import { C } from '../../../device/src/constants.ts';
import { flashedChip } from './flashed-chip.ts';
import { type LocalStack, readWhen, startLocalStack } from './local-stack.ts';
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

/**
 * The button's update as the cloud recorded it, once it reached `expected` (reports travel
 * button → broker → store asynchronously), or as it stands after 15 s.
 */
function state(deviceId: string, expected?: string): Promise<UpdateAssignment | null> {
  return settled(deviceId, (a) => expected === undefined || a.state === expected);
}

function settled(
  deviceId: string,
  done: (assignment: UpdateAssignment) => boolean,
): Promise<UpdateAssignment | null> {
  return readWhen(() => assignments().get(deviceId), done);
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

      // Each press wake takes a bounded share (blocks per wake, radio seconds per wake), so
      // the image needs at least 3 wakes; each one resumes where flash says the last stopped.
      const progress: number[] = [];
      let s: UpdateAssignment | null = null;
      while (s?.state !== 'verifying' && progress.length < 8) {
        const w = await chip.boot({ cause: 'button', limitMs: 60_000 });
        expectHealthy(w);
        expect(w.shown()[0]).toMatch(/ordered|inProgress/);
        const before = progress.at(-1) ?? 0;
        s = await settled(config.device, (a) => a.state === 'verifying' || (a.block ?? 0) > before);
        progress.push(s?.state === 'verifying' ? blocks : (s?.block ?? 0));
      }
      expect(s).toMatchObject({ job, state: 'verifying' });
      expect(progress.length).toBeGreaterThanOrEqual(3);
      expect(progress[0]).toBeLessThanOrEqual(C.UPDATE_BLOCKS_PER_WAKE);
      for (let i = 1; i < progress.length; i++) {
        expect(progress[i]).toBeGreaterThan(progress[i - 1] as number);
      }
      console.log(
        `update delivered in ${progress.length} press wakes, blocks after each: ${progress.join(', ')}`,
      );

      const next = await chip.boot({ cause: 'button', limitMs: 60_000 });
      expectHealthy(next);
      expect(next.shown()).toEqual(['inProgress']);
      expect(await state(config.device, 'switched')).toMatchObject({ job, state: 'switched' });
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

    it('a firmware that throws at boot is rolled back in the same wake: the press orders on firmware 1 and the rollback is reported', async () => {
      const config = await local.newButton({ tls: false });
      const { chip } = await flashedChip(config);
      const { job } = await assignUpdate(
        config.device,
        3,
        image('throw new Error("broken firmware");'),
      );
      const download = await chip.boot({ cause: 'button', limitMs: 60_000 });
      expectHealthy(download);
      expect(await state(config.device, 'verifying')).toMatchObject({ job, state: 'verifying' });

      const crash = await chip.boot({ cause: 'button', limitMs: 60_000 });
      expectHealthy(crash);
      expect(crash.output).toContain('firmware 3 failed (CRASH)');
      expect(crash.shown()).toEqual(['inProgress']);
      expect(await state(config.device, 'rolled_back')).toMatchObject({
        job,
        state: 'rolled_back',
        reason: 'CRASH',
      });
      const button = await new DynamoButtonStore(local.stack.table).getButton(config.device);
      expect(button).toMatchObject({ firmware: 1 });
      await chip.remove();
    });

    it('a firmware that cannot connect is rolled back after 3 trial wakes; the press it could not send is delivered once, with its seq', async () => {
      const config = await local.newButton({ tls: false });
      const { chip } = await flashedChip(config);
      // The MQTT protocol name misspelt: the broker refuses every CONNECT of this firmware.
      const broken = (await bundleDevice('main', 4)).replace(/MQTT/g, 'MQTX');
      const { job } = await assignUpdate(config.device, 4, image(broken));
      for (let wake = 1; wake <= 3; wake++) {
        expectHealthy(await chip.boot({ cause: 'button', limitMs: 60_000 }));
      }
      expect(await state(config.device, 'verifying')).toMatchObject({ job, state: 'verifying' });
      const ordersBefore = (await local.presses(config.device)).length;

      const failed = await chip.boot({ cause: 'button', limitMs: 60_000 });
      expectHealthy(failed);
      expect(failed.shown()).toEqual(['noBroker']);
      for (let wake = 2; wake <= TRIAL_WAKES; wake++) {
        const retry = await chip.boot({ cause: 'timer', limitMs: 60_000 });
        expectHealthy(retry);
        expect(retry.shown()).toEqual(['noBroker']);
      }
      const back = await chip.boot({ cause: 'timer', limitMs: 60_000 });
      expectHealthy(back);
      expect(back.output).toContain('firmware 4 failed (NO_ACK)');
      expect(back.shown()).toEqual(['inProgress']);
      const presses = await local.presses(config.device);
      expect(presses).toHaveLength(ordersBefore + 1);
      expect(presses.at(-1)).toMatchObject({ seq: 4, outcome: 'IN_PROGRESS' });
      expect(await state(config.device, 'rolled_back')).toMatchObject({
        job,
        state: 'rolled_back',
        reason: 'NO_ACK',
      });
      await chip.remove();
    });

    it('a tampered image is refused: its hash does not match the signed manifest, nothing switches', async () => {
      const config = await local.newButton({ tls: false });
      const { chip } = await flashedChip(config);
      const { job, image: stored } = await assignUpdate(
        config.device,
        5,
        image(`print(1);${' '.repeat(1500)}`),
      );
      await local.stack.table.doc.send(
        new PutCommand({
          TableName: local.stack.table.name,
          Item: {
            ...keys.firmwareBlock(stored.stream, 1),
            // Same length as the genuine block, other bytes: only the hash can tell.
            data: new Uint8Array(Buffer.from(`print(2);${' '.repeat(stored.size - 1024 - 9)}`)),
          },
        }),
      );
      const wake = await chip.boot({ cause: 'button', limitMs: 60_000 });
      expectHealthy(wake);
      expect(await state(config.device, 'failed')).toMatchObject({
        job,
        state: 'failed',
        reason: 'IMAGE_HASH',
      });
      const next = await chip.boot({ cause: 'button', limitMs: 60_000 });
      expectHealthy(next);
      const button = await new DynamoButtonStore(local.stack.table).getButton(config.device);
      expect(button).toMatchObject({ firmware: 1 });
      await chip.remove();
    });

    it('a tampered manifest is refused: nothing is downloaded or switched, the press still orders', async () => {
      const config = await local.newButton({ tls: false });
      const { chip } = await flashedChip(config);
      const job = `job-${process.pid}-${++jobs}`;
      // Assigned, but no image stored: only the forger below answers the button's request.
      await assignments().assign(config.device, job, 7);
      const key = fromHex(config.secret) as Uint8Array;
      const genuine = signManifest(nodeSha256, key, {
        device: config.device,
        job,
        fw: 7,
        size: 2048,
        sha256: 'ab'.repeat(32),
        stream: 'fw-acme-7',
        block: 1024,
        kv: 1,
      });
      // One field changed after signing: what an attacker between broker and button could do.
      const forged = encodeManifest({ ...genuine, size: 4096 });
      const aedes = local.stack.broker.aedes;
      const forge = (packet: { topic: string }, client: unknown) => {
        if (!client || packet.topic !== manifestGetTopic(config.device)) return;
        aedes.publish(
          {
            cmd: 'publish',
            topic: manifestTopic(config.device),
            payload: Buffer.from(forged),
            qos: 1,
            retain: false,
            dup: false,
          },
          () => {},
        );
      };
      aedes.on('publish', forge);
      try {
        const wake = await chip.boot({ cause: 'button', limitMs: 60_000 });
        expectHealthy(wake);
        expect(wake.output).toContain('manifest refused');
        expect(wake.shown()).toEqual(['ordered']);
        expect(await state(config.device)).toMatchObject({ job, state: 'pending' });
      } finally {
        aedes.removeListener('publish', forge);
        await chip.remove();
      }
    });

    it.each([1, 5, 8, 9])(
      'power lost after flash write %i of the switching wake: always boots a working firmware, no press lost',
      async (cut) => {
        const config = await local.newButton({ tls: false });
        const { chip } = await flashedChip(config);
        const { job } = await assignUpdate(config.device, 6, image(await bundleDevice('main', 6)));
        for (let wake = 1; wake <= 2; wake++) {
          expectHealthy(await chip.boot({ cause: 'button', limitMs: 60_000 }));
        }
        // That wake writes: the press queued, its attempt, its removal, the last 4 blocks, the
        // boot record (the switch), the manifest erased. Cut after the first, a block, the
        // switch itself, and the last.
        const lost = await chip.boot({ cause: 'button', limitMs: 60_000, cutAfterWrites: cut });
        expect(lost.first('powerloss'), lost.output).toBeDefined();
        // Then a timer wake (a queued press goes out) and presses, until the update settled.
        for (let wake = 0; wake < 4; wake++) {
          const w = await chip.boot({ cause: wake === 0 ? 'timer' : 'button', limitMs: 60_000 });
          expectHealthy(w);
          if ((await state(config.device))?.state === 'switched') break;
        }
        expect(await state(config.device, 'switched')).toMatchObject({ job, state: 'switched' });
        const button = await new DynamoButtonStore(local.stack.table).getButton(config.device);
        expect(button).toMatchObject({ firmware: 6 });
        // Every press queued reached the cloud once: sequence numbers 1..n, none missing.
        const seqs = (await local.presses(config.device)).map((p) => p.seq);
        expect(seqs).toEqual(seqs.map((_, i) => i + 1));
        await chip.remove();
      },
    );
  },
);
