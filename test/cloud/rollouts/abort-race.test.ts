/**
 * An abort withdraws the members it believes have not started; a button whose first report was
 * still on the way (in the outbox, or in a job-execution event) had started, goes on, and counts.
 */
import { describe, expect, it } from 'vitest';
import { rolloutWorld } from '../../helpers/rollout-world.ts';

describe('an abort racing a button’s first report', () => {
  it('counts the button that had started, and withdraws only the others', async () => {
    const world = rolloutWorld(10);
    const { rolloutId } = await world.create({
      stages: [100],
      autoWiden: null,
      abort: { failurePct: 50, minFinished: 2 },
    });
    await world.report(rolloutId, 'vb-000', 'failed', { reason: 'BOOT_LOOP' });
    await world.report(rolloutId, 'vb-001', 'rolled_back', { reason: 'NO_ACK' });
    expect((await world.rollouts.get(rolloutId, null)).status).toBe('aborted');
    expect(await world.store.getMember(rolloutId, 'vb-002')).toMatchObject({
      state: 'cancelled',
      reason: 'ROLLOUT_ABORTED',
    });

    expect(await world.report(rolloutId, 'vb-002', 'downloading', { block: 1 })).toBe('applied');
    expect(await world.report(rolloutId, 'vb-002', 'switched')).toBe('applied');
    const member = await world.store.getMember(rolloutId, 'vb-002');
    expect(member?.state).toBe('switched');
    expect(member?.reason).toBeUndefined();
    expect(await world.store.tally(rolloutId)).toMatchObject({
      switched: 1,
      failed: 1,
      rolled_back: 1,
      cancelled: 7,
      pending: 0,
    });
    // The abort's record keeps the counts it was decided on.
    expect((await world.rollouts.get(rolloutId, null)).abortReason).toMatchObject({
      failures: 2,
      finished: 2,
    });
  });
});
