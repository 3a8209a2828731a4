/**
 * Update reports reach the rollout through the outbox, crash or not: whatever reports buttons
 * send, and wherever the relay dies (before the engine took a report, or after it but before the
 * mark), once a drain completes every member stands exactly where its button's assignment stands
 * — nothing lost, nothing counted twice — and nothing waits any more.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { UpdateState } from '../../../cloud/core/ota/ports.ts';
import { emptyTally } from '../../../cloud/core/rollouts/model.ts';
import { applyUpdateReports } from '../../../cloud/core/rollouts/report-relay.ts';
import { Rollouts } from '../../../cloud/core/rollouts/rollouts.ts';
import { MemoryButtonStore } from '../../../cloud/store/memory/memory-button-store.ts';
import { MemoryUpdateAssignmentStore } from '../../../cloud/store/memory/memory-ota-stores.ts';
import { MemoryRolloutStore } from '../../../cloud/store/memory/memory-rollout-store.ts';
import { MemoryTable } from '../../../cloud/store/memory/memory-table.ts';
import { BRAND, button, ManualClock, MemoryLog } from '../../helpers/world.ts';

const FLEET = 6;
const STATES: UpdateState[] = ['downloading', 'verifying', 'switched', 'rolled_back', 'failed'];

type Step =
  | { kind: 'report'; button: number; state: UpdateState; block: number }
  | { kind: 'drain'; crash: 'none' | 'before-engine' | 'before-mark'; after: number };

const stepArb: fc.Arbitrary<Step> = fc.oneof(
  fc.record({
    kind: fc.constant('report' as const),
    button: fc.integer({ min: 0, max: FLEET - 1 }),
    state: fc.constantFrom(...STATES),
    block: fc.integer({ min: 0, max: 3 }),
  }),
  fc.record({
    kind: fc.constant('drain' as const),
    crash: fc.constantFrom('none' as const, 'before-engine' as const, 'before-mark' as const),
    after: fc.integer({ min: 0, max: FLEET }),
  }),
);

class Crash extends Error {}

async function world() {
  const table = new MemoryTable();
  const ids = Array.from({ length: FLEET }, (_, i) => `vb-${i}`);
  for (const id of ids) table.putButton(button(id));
  const clock = new ManualClock();
  const assignments = new MemoryUpdateAssignmentStore(table, clock);
  const store = new MemoryRolloutStore(table);
  const rollouts = new Rollouts({
    store,
    fleet: new MemoryButtonStore(table),
    assigner: assignments,
    images: { get: async () => ({ fw: 2 }) },
    clock,
    newId: () => 'relay',
    log: new MemoryLog(),
  });
  // Everyone at once, and a threshold no run reaches: members only ever move by reports.
  const rollout = await rollouts.create({
    brandId: BRAND,
    fw: 2,
    plan: { stages: [100], autoWiden: null, abort: { failurePct: 100, minFinished: 1000 } },
    by: { kind: 'brand', id: BRAND },
  });
  return { ids, clock, assignments, store, rollouts, job: rollout.rolloutId };
}

describe('update reports through the outbox', () => {
  it('a member ends where its assignment is, whatever the crashes between report and mark', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(stepArb, { maxLength: 40 }), async (steps) => {
        const w = await world();
        for (const step of steps) {
          if (step.kind === 'report') {
            w.clock.advance(step.block % 2);
            await w.assignments.report(
              w.ids[step.button] as string,
              w.job,
              step.state,
              step.state === 'downloading' ? { block: step.block } : {},
            );
            continue;
          }
          let calls = 0;
          const crashing = {
            report: async (report: Parameters<Rollouts['report']>[0]) => {
              const crashNow = step.crash !== 'none' && calls++ === step.after;
              if (crashNow && step.crash === 'before-engine') throw new Crash();
              const outcome = await w.rollouts.report(report);
              if (crashNow) throw new Crash();
              return outcome;
            },
          };
          await applyUpdateReports(w.assignments, crashing).catch((error: unknown) => {
            if (!(error instanceof Crash)) throw error;
          });
        }
        await applyUpdateReports(w.assignments, w.rollouts);

        expect(await w.assignments.unappliedReports(100)).toEqual([]);
        const expected = emptyTally();
        for (const id of w.ids) {
          const assignment = await w.assignments.get(id);
          const member = await w.store.getMember(w.job, id);
          expect(member?.state).toBe(assignment?.state);
          expected[assignment?.state ?? 'pending']++;
        }
        expect(await w.store.tally(w.job)).toEqual(expected);
      }),
      { seed: 19_190, numRuns: 150 },
    );
  });
});
