/**
 * The rollout engine's promises, over generated fleets, plans and report sequences: a stage never
 * holds more buttons than its share, the rollout aborts at exactly the first report that takes
 * failures/finished to the threshold (after the minimum), and duplicate or out-of-order reports
 * end in the same member states as the reports in order.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { quotaOf, stageQuota } from '../../../cloud/core/rollouts/engine.ts';
import type { RolloutPlan, Tally, UpdateState } from '../../../cloud/core/rollouts/model.ts';
import { emptyTally } from '../../../cloud/core/rollouts/model.ts';
import { rolloutWorld } from '../../helpers/rollout-world.ts';

const SEED = { seed: 19_019, numRuns: 60 };

const stagesArb = fc
  .uniqueArray(fc.integer({ min: 1, max: 100 }), { minLength: 1, maxLength: 4 })
  .map((stages) => stages.sort((a, b) => a - b));

const planArb: fc.Arbitrary<RolloutPlan> = fc.record({
  stages: stagesArb,
  autoWiden: fc.option(fc.record({ successPct: fc.integer({ min: 0, max: 100 }) }), {
    nil: null,
  }),
  abort: fc.record({
    failurePct: fc.integer({ min: 1, max: 100 }),
    minFinished: fc.integer({ min: 1, max: 20 }),
  }),
});

const STATES: UpdateState[] = ['downloading', 'verifying', 'switched', 'rolled_back', 'failed'];

type Step =
  | { kind: 'report'; pick: number; state: UpdateState }
  | { kind: 'widen' }
  | { kind: 'pause' }
  | { kind: 'resume' }
  | { kind: 'sweep' };

const stepArb: fc.Arbitrary<Step> = fc.oneof(
  {
    weight: 8,
    arbitrary: fc.record({
      kind: fc.constant('report' as const),
      pick: fc.nat(),
      state: fc.constantFrom(...STATES),
    }),
  },
  { weight: 1, arbitrary: fc.constant({ kind: 'widen' as const }) },
  { weight: 1, arbitrary: fc.constant({ kind: 'pause' as const }) },
  { weight: 1, arbitrary: fc.constant({ kind: 'resume' as const }) },
  { weight: 1, arbitrary: fc.constant({ kind: 'sweep' as const }) },
);

describe('rollout engine properties', () => {
  it('a stage never holds more buttons than its share, whatever happens', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 60 }),
        planArb,
        fc.array(stepArb, { maxLength: 80 }),
        async (fleetSize, plan, steps) => {
          const world = rolloutWorld(fleetSize);
          const { rolloutId } = await world.create(plan);
          for (const step of steps) {
            const members = (await world.store.listMembers(rolloutId, { limit: 1000 })).items;
            if (step.kind === 'report' && members.length > 0) {
              const member = members[step.pick % members.length];
              if (member) await world.report(rolloutId, member.deviceId, step.state);
            } else if (step.kind === 'sweep') {
              await world.rollouts.sweep();
            } else if (step.kind !== 'report') {
              await world.rollouts[step.kind](rolloutId, null).catch(() => undefined);
            }
            const rollout = await world.rollouts.get(rolloutId, null);
            const now = (await world.store.listMembers(rolloutId, { limit: 1000 })).items;
            expect(now.length).toBeLessThanOrEqual(quotaOf(rollout));
            expect(rollout.assigned).toBe(now.length);
            expect(world.assigner.active.size).toBeLessThanOrEqual(now.length);
          }
        },
      ),
      SEED,
    );
  });

  it('aborts at exactly the first report that crosses the threshold, and assigns nothing after', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 5, max: 60 }),
        // Round shares make "exactly at the threshold" (failures/finished = share) common.
        fc.oneof(fc.constantFrom(10, 20, 25, 50), fc.integer({ min: 1, max: 100 })),
        fc.integer({ min: 1, max: 15 }),
        fc.array(fc.boolean(), { minLength: 60, maxLength: 60 }),
        async (fleetSize, failurePct, minFinished, outcomes) => {
          const plan: RolloutPlan = {
            stages: [100],
            autoWiden: null,
            abort: { failurePct, minFinished },
          };
          const world = rolloutWorld(fleetSize);
          const { rolloutId } = await world.create(plan);
          const members = (await world.store.listMembers(rolloutId, { limit: 1000 })).items;
          expect(members).toHaveLength(fleetSize);
          const tally: Tally = emptyTally();
          tally.pending = fleetSize;
          let crossed = false;
          for (const [i, member] of members.entries()) {
            const failed = outcomes[i] ?? false;
            if (!world.assigner.active.has(member.deviceId)) {
              // An abort withdrew every assignment no button had started: this one never reports.
              expect((await world.store.getMember(rolloutId, member.deviceId))?.state).toBe(
                'cancelled',
              );
              continue;
            }
            await world.report(
              rolloutId,
              member.deviceId,
              failed ? 'failed' : 'switched',
              failed ? { reason: 'BOOT_LOOP' } : {},
            );
            tally.pending--;
            tally[failed ? 'failed' : 'switched']++;
            const finished = tally.failed + tally.switched;
            // The rule, restated here so that a change to the engine's version is caught.
            const shouldAbort: boolean =
              crossed || (finished >= minFinished && tally.failed * 100 >= failurePct * finished);
            const after = await world.rollouts.get(rolloutId, null);
            expect(after.status === 'aborted').toBe(shouldAbort);
            if (shouldAbort && !crossed) {
              expect(after.abortReason).toMatchObject({
                code: 'FAILURE_THRESHOLD',
                failures: tally.failed,
                finished: tally.failed + tally.switched,
              });
              const left = await world.store.tally(rolloutId);
              expect(left.pending).toBe(0);
              expect(left.cancelled).toBe(tally.pending);
              expect(world.assigner.active.size).toBe(fleetSize - tally.pending);
            }
            crossed = shouldAbort;
          }
        },
      ),
      SEED,
    );
  });

  it('ends in the same member states whatever the order and duplication of reports', async () => {
    const trajectory = fc.constantFrom<UpdateState[]>(
      [],
      ['downloading'],
      ['downloading', 'verifying'],
      ['downloading', 'verifying', 'switched'],
      ['downloading', 'verifying', 'switched', 'rolled_back'],
      ['downloading', 'failed'],
      ['downloading', 'verifying', 'failed'],
    );
    await fc.assert(
      fc.asyncProperty(
        fc.array(trajectory, { minLength: 1, maxLength: 25 }),
        fc.infiniteStream(fc.nat()),
        fc.nat(),
        async (trajectories, noise, duplicates) => {
          const plan: RolloutPlan = {
            stages: [100],
            autoWiden: null,
            abort: { failurePct: 100, minFinished: 10_000 },
          };
          const world = rolloutWorld(trajectories.length);
          const { rolloutId } = await world.create(plan);
          const members = (await world.store.listMembers(rolloutId, { limit: 1000 })).items;
          const reports = members.flatMap((m, i) =>
            (trajectories[i] ?? []).map((state) => ({ deviceId: m.deviceId, state })),
          );
          const extra =
            reports.length === 0
              ? []
              : Array.from(
                  { length: duplicates % 20 },
                  (_, i) => reports[(i * 7) % reports.length] as (typeof reports)[number],
                );
          const shuffled = [...reports, ...extra]
            .map((r) => ({ r, key: noise.next().value as number }))
            .sort((a, b) => a.key - b.key)
            .map(({ r }) => r);
          for (const r of shuffled) await world.report(rolloutId, r.deviceId, r.state);
          const final = (await world.store.listMembers(rolloutId, { limit: 1000 })).items;
          final.forEach((m, i) => {
            expect(m.state).toBe((trajectories[i] ?? []).at(-1) ?? 'pending');
          });
        },
      ),
      SEED,
    );
  });

  it('takes a stage’s share rounded down but at least one button', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 100_000 }),
        fc.integer({ min: 1, max: 100 }),
        (n, pct) => {
          const quota = stageQuota(n, pct);
          expect(quota).toBeGreaterThanOrEqual(1);
          expect(quota).toBeLessThanOrEqual(n);
          if (quota > 1) expect(quota * 100).toBeLessThanOrEqual(n * pct);
        },
      ),
      SEED,
    );
  });
});
