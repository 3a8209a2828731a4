/**
 * Two service instances (two Lambdas, or a sweep and a report handler) moving the same rollout
 * at once, on every store: together they assign exactly the stage's share, each button once.
 */
import { expect, it } from 'vitest';
import type { Rollout } from '../../cloud/core/rollouts/model.ts';
import { Rollouts } from '../../cloud/core/rollouts/rollouts.ts';
import { memoryImages } from '../helpers/ota-stores.ts';
import { RecordingAssigner } from '../helpers/rollout-world.ts';
import { describeOnEveryStore } from '../helpers/stores.ts';
import { button, ManualClock, MemoryLog } from '../helpers/world.ts';

const FLEET = 40;

describeOnEveryStore('Rollouts racing on one store', (open) => {
  it('assigns exactly the share when two instances fill the same stage at once', async () => {
    const store = await open();
    for (let i = 0; i < FLEET; i++) await store.putButton(button(`race-${i}`));
    const rollout: Rollout = {
      rolloutId: 'ro_race',
      brandId: 'acme',
      fw: 42,
      plan: { stages: [50, 100], autoWiden: null, abort: { failurePct: 50, minFinished: 10 } },
      fleetSize: FLEET,
      stage: 0,
      status: 'active',
      assigned: 0,
      abortReason: null,
      createdBy: { kind: 'support', id: 'ops' },
      createdAt: 1,
      updatedAt: 1,
      version: 1,
    };
    await store.api.rollouts.createRollout(rollout);
    const assigner = new RecordingAssigner();
    const instance = () =>
      new Rollouts({
        store: store.api.rollouts,
        fleet: store.api.buttons,
        assigner,
        images: memoryImages(),
        clock: new ManualClock(),
        newId: () => 'unused',
        log: new MemoryLog(),
      });
    const [a, b] = [instance(), instance()];
    await Promise.all([a.advance('ro_race'), b.advance('ro_race'), a.sweep(), b.sweep()]);
    const members = (await store.api.rollouts.listMembers('ro_race', { limit: 100 })).items;
    expect(members).toHaveLength(FLEET / 2);
    expect((await store.api.rollouts.getRollout('ro_race'))?.assigned).toBe(FLEET / 2);
    expect(assigner.active.size).toBe(FLEET / 2);
  });
});
