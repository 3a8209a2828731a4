/**
 * The update and settings ports, unchanged against every store: the memory fake is trusted in
 * unit tests because it passes this. What waits for a button is read back through the press
 * path's own load (pendingUpdates on the loaded button), as a press would see it.
 */
import { createHash } from 'node:crypto';
import { beforeEach, describe, expect, it } from 'vitest';
import { UpdateFlag } from '#shared/index';
import { pendingUpdates } from '../../cloud/core/ota/pending.ts';
import type { UpdateAssignment } from '../../cloud/core/ota/ports.ts';
import type { StoreUnderTest } from '../helpers/stores.ts';
import { button } from '../helpers/world.ts';

export function otaStoresContract(open: () => Promise<StoreUnderTest>): void {
  describe('update and settings stores', () => {
    let store: StoreUnderTest;
    const pending = async (deviceId: string) => {
      const loaded = (await store.press.loadContext(deviceId)).button;
      return loaded ? pendingUpdates(loaded) : -1;
    };

    beforeEach(async () => {
      store = await open();
      await store.putButton(button('btn-1'));
    });

    it('stores an image in blocks that add up to it, with its SHA-256, per brand', async () => {
      const bytes = new Uint8Array(2500).map((_, i) => (i * 7) % 251);
      const image = await store.ota.images.put('acme', 2, bytes);
      expect(image).toMatchObject({ fw: 2, size: 2500, block: 1024 });
      expect(image.sha256).toBe(createHash('sha256').update(bytes).digest('hex'));
      expect(await store.ota.images.get('acme', 2)).toEqual(image);
      expect(await store.ota.images.get('other-brand', 2)).toBeNull();
      const blocks = [];
      for (let i = 0; i < 3; i++) blocks.push(await store.ota.images.readBlock(image.stream, i));
      expect(Buffer.concat(blocks as Uint8Array[]).equals(Buffer.from(bytes))).toBe(true);
      expect(await store.ota.images.readBlock(image.stream, 3)).toBeNull();
    });

    it('assigns one update at a time, and the press path sees it waiting until a terminal report', async () => {
      expect(await pending('btn-1')).toBe(0);
      expect(await store.ota.assignments.assign('btn-1', 'job-1', 2)).toBe(true);
      expect(await store.ota.assignments.assign('btn-1', 'job-1', 2)).toBe(true);
      expect(await store.ota.assignments.assign('btn-1', 'job-2', 3)).toBe(false);
      expect(await pending('btn-1')).toBe(UpdateFlag.FIRMWARE);
      expect(
        await store.ota.assignments.report('btn-1', 'job-1', 'downloading', { block: 8 }),
      ).toMatchObject({ state: 'downloading', block: 8 });
      expect(
        await store.ota.assignments.report('btn-1', 'job-1', 'downloading', { block: 16 }),
      ).toMatchObject({ block: 16 });
      expect(await store.ota.assignments.report('btn-1', 'job-1', 'switched', {})).toMatchObject({
        state: 'switched',
      });
      expect(await pending('btn-1')).toBe(0);
      expect(await store.ota.assignments.assign('btn-1', 'job-2', 3)).toBe(true);
    });

    it('never moves backwards, nor after a terminal state, nor for another job', async () => {
      await store.ota.assignments.assign('btn-1', 'job-1', 2);
      await store.ota.assignments.report('btn-1', 'job-1', 'verifying', {});
      expect(
        await store.ota.assignments.report('btn-1', 'job-1', 'downloading', { block: 1 }),
      ).toBeNull();
      expect(await store.ota.assignments.report('btn-1', 'job-x', 'failed', {})).toBeNull();
      expect(
        await store.ota.assignments.report('btn-1', 'job-1', 'rolled_back', { reason: 'NO_ACK' }),
      ).toMatchObject({ state: 'rolled_back', reason: 'NO_ACK' });
      expect(await store.ota.assignments.report('btn-1', 'job-1', 'switched', {})).toBeNull();
      expect(await store.ota.assignments.get('btn-1')).toMatchObject({
        state: 'rolled_back',
        fw: 2,
      });
      expect(await store.ota.assignments.report('btn-unknown', 'job-1', 'switched', {})).toBeNull();
    });

    it('keeps each button’s latest report waiting for the rollout until that report is marked applied', async () => {
      const { assignments } = store.ota;
      await store.putButton(button('btn-2'));
      await assignments.assign('btn-1', 'job-1', 2);
      await assignments.assign('btn-2', 'job-1', 2);
      expect(await assignments.unappliedReports(10)).toEqual([]);
      const first = await assignments.report('btn-1', 'job-1', 'downloading', { block: 1 });
      await assignments.report('btn-2', 'job-1', 'verifying', {});
      expect((await assignments.unappliedReports(10)).map((r) => r.deviceId).sort()).toEqual([
        'btn-1',
        'btn-2',
      ]);
      expect(await assignments.unappliedReports(1)).toHaveLength(1);
      // A newer report landed after the relay read the first: marking the first keeps the newer.
      await assignments.report('btn-1', 'job-1', 'rolled_back', { reason: 'NO_ACK' });
      await assignments.markApplied(first as UpdateAssignment);
      const waiting = await assignments.unappliedReports(10);
      expect(waiting.find((r) => r.deviceId === 'btn-1')).toMatchObject({
        state: 'rolled_back',
        reason: 'NO_ACK',
        job: 'job-1',
        fw: 2,
      });
      for (const report of waiting) await assignments.markApplied(report);
      expect(await assignments.unappliedReports(10)).toEqual([]);
      // A refused report (stale) and a cancel put nothing on the outbox.
      expect(await assignments.report('btn-1', 'job-1', 'switched', {})).toBeNull();
      await assignments.cancel('btn-2', 'job-1');
      expect(await assignments.unappliedReports(10)).toEqual([]);
    });

    it('cancelling clears what waits; cancelling another job changes nothing', async () => {
      await store.ota.assignments.assign('btn-1', 'job-1', 2);
      await store.ota.assignments.cancel('btn-1', 'job-x');
      expect(await pending('btn-1')).toBe(UpdateFlag.FIRMWARE);
      await store.ota.assignments.cancel('btn-1', 'job-1');
      expect(await pending('btn-1')).toBe(0);
      expect(await store.ota.assignments.get('btn-1')).toMatchObject({
        state: 'failed',
        reason: 'CANCELLED',
      });
    });

    it('cancelling leaves a started update alone: the button finishes and reports', async () => {
      await store.ota.assignments.assign('btn-1', 'job-1', 2);
      await store.ota.assignments.report('btn-1', 'job-1', 'downloading', { block: 1 });
      await store.ota.assignments.cancel('btn-1', 'job-1');
      expect(await pending('btn-1')).toBe(UpdateFlag.FIRMWARE);
      expect(await store.ota.assignments.report('btn-1', 'job-1', 'switched', {})).toMatchObject({
        state: 'switched',
      });
    });

    it('versions desired settings; they wait until a press runs that version and the shadow report says so', async () => {
      expect(await store.ota.settings.getDesired('btn-1')).toBeNull();
      expect(await store.ota.settings.setDesired('btn-1', { led: 40 })).toBe(1);
      expect(await store.ota.settings.setDesired('btn-1', { led: 60, longCancels: false })).toBe(2);
      expect(await store.ota.settings.getDesired('btn-1')).toEqual({
        version: 2,
        settings: { led: 60, longCancels: false },
      });
      expect(await pending('btn-1')).toBe(UpdateFlag.SETTINGS);
      await store.press.claim({
        deviceId: 'btn-1',
        seq: 1,
        readHighWaterMark: 0,
        at: 1,
        batteryMv: 3000,
        firmware: 1,
        settingsVersion: 2,
      });
      // Stored and run, but the report was lost (power cut): the button is asked again.
      expect(await pending('btn-1')).toBe(UpdateFlag.SETTINGS);
      await store.ota.settings.recordReported('btn-1', { led: 60, longCancels: false, cfg: 2 });
      expect(await pending('btn-1')).toBe(0);
    });
  });
}
