/**
 * The RolloutStore contract on every store: the record changes only from the version read, the
 * assignment counter never passes the quota however many callers race, a member is created once
 * and only moves forward, members page and tally per rollout, brands see only their rollouts.
 */
import { expect, it } from 'vitest';
import { statesBefore } from '../../cloud/core/rollouts/engine.ts';
import type { Rollout, RolloutMember } from '../../cloud/core/rollouts/model.ts';
import { describeOnEveryStore } from '../helpers/stores.ts';

const rollout = (rolloutId: string, brandId = 'acme', createdAt = 1_000): Rollout => ({
  rolloutId,
  brandId,
  fw: 7,
  plan: {
    stages: [10, 50, 100],
    autoWiden: { successPct: 90 },
    abort: { failurePct: 20, minFinished: 5 },
  },
  fleetSize: 200,
  stage: 0,
  status: 'active',
  assigned: 0,
  abortReason: null,
  createdBy: { kind: 'brand', id: brandId },
  createdAt,
  updatedAt: createdAt,
  version: 1,
});

const member = (rolloutId: string, deviceId: string): RolloutMember => ({
  rolloutId,
  deviceId,
  stage: 0,
  state: 'pending',
  assignedAt: 5,
  updatedAt: 5,
});

describeOnEveryStore('RolloutStore', (open) => {
  it('creates a rollout once and changes it only from the version read', async () => {
    const { api } = await open();
    const store = api.rollouts;
    expect(await store.createRollout(rollout('ro_1'))).toBe(true);
    expect(await store.createRollout(rollout('ro_1'))).toBe(false);
    const change = { stage: 1, status: 'active' as const, abortReason: null, updatedAt: 9 };
    expect(await store.changeRollout('ro_1', 1, change)).toBe(true);
    expect(await store.changeRollout('ro_1', 1, { ...change, stage: 2 })).toBe(false);
    expect(await store.getRollout('ro_1')).toMatchObject({ stage: 1, version: 2, updatedAt: 9 });
    expect(await store.getRollout('ro_missing')).toBeNull();
  });

  it('lists a brand’s rollouts newest first, in pages, and only open ones for the sweep', async () => {
    const { api } = await open();
    const store = api.rollouts;
    for (const [id, at] of [
      ['ro_a', 1],
      ['ro_b', 2],
      ['ro_c', 3],
    ] as const) {
      await store.createRollout(rollout(id, 'acme', at));
    }
    await store.createRollout(rollout('ro_x', 'globex', 4));
    const first = await store.listRollouts('acme', { limit: 2 });
    expect(first.items.map((r) => r.rolloutId)).toEqual(['ro_c', 'ro_b']);
    const second = await store.listRollouts('acme', { limit: 2, cursor: first.cursor });
    expect(second.items.map((r) => r.rolloutId)).toEqual(['ro_a']);
    expect(second.cursor).toBeUndefined();
    await expect(store.listRollouts('globex', { limit: 2, cursor: first.cursor })).rejects.toThrow(
      /cursor/,
    );
    const abort = {
      code: 'ABORTED_BY_USER' as const,
      failures: 0,
      finished: 0,
      by: { kind: 'brand' as const, id: 'acme' },
    };
    await store.changeRollout('ro_b', 1, {
      stage: 0,
      status: 'aborted',
      abortReason: abort,
      updatedAt: 5,
    });
    expect((await store.openRollouts(10)).map((r) => r.rolloutId)).toEqual([
      'ro_a',
      'ro_c',
      'ro_x',
    ]);
    expect((await store.getRollout('ro_b'))?.abortReason).toEqual(abort);
  });

  it('never counts more assignments than the quota, however many claim at once', async () => {
    const { api } = await open();
    const store = api.rollouts;
    await store.createRollout(rollout('ro_1'));
    const claims = await Promise.all(Array.from({ length: 12 }, () => store.claimSlot('ro_1', 5)));
    expect(claims.filter(Boolean)).toHaveLength(5);
    await store.releaseSlot('ro_1');
    expect(await store.claimSlot('ro_1', 5)).toBe(true);
    expect((await store.getRollout('ro_1'))?.assigned).toBe(5);
  });

  it('creates a member once and moves it only forward', async () => {
    const { api } = await open();
    const store = api.rollouts;
    await store.createRollout(rollout('ro_1'));
    const added = await Promise.all([
      store.addMember(member('ro_1', 'btn-1')),
      store.addMember(member('ro_1', 'btn-1')),
    ]);
    expect(added.filter(Boolean)).toHaveLength(1);
    const move = (state: 'downloading' | 'verifying' | 'switched' | 'failed', block?: number) =>
      store.moveMember('ro_1', 'btn-1', statesBefore(state), { state, block, updatedAt: 7 });
    expect(await move('downloading', 0)).toMatchObject({ state: 'downloading', block: 0 });
    expect(await move('downloading', 3)).toMatchObject({ state: 'downloading', block: 3 });
    expect(await move('downloading', 2)).toBeNull();
    expect(await move('switched')).toMatchObject({ state: 'switched' });
    expect(await move('verifying')).toBeNull();
    expect(
      await store.moveMember('ro_1', 'btn-1', statesBefore('failed'), {
        state: 'failed',
        reason: 'NO_ACK',
        updatedAt: 8,
      }),
    ).toMatchObject({ state: 'failed', reason: 'NO_ACK' });
    expect(await move('switched')).toBeNull();
    expect(
      await store.moveMember('ro_1', 'nobody', ['pending'], { state: 'cancelled', updatedAt: 1 }),
    ).toBeNull();
  });

  it('a member withdrawn by an abort that reports after all takes the new state without the old reason', async () => {
    const { api } = await open();
    const store = api.rollouts;
    await store.createRollout(rollout('ro_1'));
    await store.addMember(member('ro_1', 'btn-1'));
    await store.moveMember('ro_1', 'btn-1', ['pending'], {
      state: 'cancelled',
      reason: 'ROLLOUT_ABORTED',
      updatedAt: 2,
    });
    const moved = await store.moveMember('ro_1', 'btn-1', statesBefore('switched'), {
      state: 'switched',
      updatedAt: 3,
    });
    expect(moved?.state).toBe('switched');
    expect(moved?.reason).toBeUndefined();
    expect((await store.getMember('ro_1', 'btn-1'))?.reason).toBeUndefined();
  });

  it('pages and tallies the members of one rollout only', async () => {
    const { api } = await open();
    const store = api.rollouts;
    for (const id of ['ro_1', 'ro_2']) await store.createRollout(rollout(id));
    for (let i = 0; i < 5; i++) await store.addMember(member('ro_1', `btn-${i}`));
    await store.addMember(member('ro_2', 'btn-9'));
    await store.moveMember('ro_1', 'btn-3', ['pending'], { state: 'cancelled', updatedAt: 9 });
    await store.removeMember('ro_1', 'btn-4');
    const first = await store.listMembers('ro_1', { limit: 3 });
    const second = await store.listMembers('ro_1', { limit: 3, cursor: first.cursor });
    expect([...first.items, ...second.items].map((m) => m.deviceId)).toEqual([
      'btn-0',
      'btn-1',
      'btn-2',
      'btn-3',
    ]);
    expect(await store.tally('ro_1')).toMatchObject({ pending: 3, cancelled: 1, switched: 0 });
    expect(await store.getMember('ro_2', 'btn-0')).toBeNull();
  });
});
