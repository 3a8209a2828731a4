/**
 * A brand fleet with the rollout service on the memory table: the world the engine's property
 * and unit tests drive.
 */

import type { RolloutPlan, UpdateReport, UpdateState } from '../../cloud/core/rollouts/model.ts';
import { Rollouts, type UpdateAssigner } from '../../cloud/core/rollouts/rollouts.ts';
import { MemoryButtonStore } from '../../cloud/store/memory/memory-button-store.ts';
import { MemoryRolloutStore } from '../../cloud/store/memory/memory-rollout-store.ts';
import { MemoryTable } from '../../cloud/store/memory/memory-table.ts';
import { BRAND, button, ManualClock, MemoryLog } from './world.ts';

/** Which buttons hold which update job, as the assignment store would. */
export class RecordingAssigner implements UpdateAssigner {
  readonly active = new Map<string, string>();
  async assign(deviceId: string, job: string): Promise<boolean> {
    const held = this.active.get(deviceId);
    if (held && held !== job) return false;
    this.active.set(deviceId, job);
    return true;
  }
  async cancel(deviceId: string, job: string): Promise<void> {
    if (this.active.get(deviceId) === job) this.active.delete(deviceId);
  }
}

export const FW = 42;

export function rolloutWorld(fleetSize: number) {
  const table = new MemoryTable();
  for (let i = 0; i < fleetSize; i++) table.putButton(button(`vb-${String(i).padStart(3, '0')}`));
  const clock = new ManualClock();
  const store = new MemoryRolloutStore(table);
  const assigner = new RecordingAssigner();
  let ids = 0;
  const rollouts = new Rollouts({
    store,
    fleet: new MemoryButtonStore(table),
    assigner,
    images: { get: async (brandId, fw) => (brandId === BRAND && fw === FW ? { fw } : null) },
    clock,
    newId: () => `id${++ids}`,
    log: new MemoryLog(),
  });
  const create = (plan: RolloutPlan) =>
    rollouts.create({ brandId: BRAND, fw: FW, plan, by: { kind: 'brand', id: BRAND } });
  const report = (
    job: string,
    deviceId: string,
    state: UpdateState,
    extra: Partial<UpdateReport> = {},
  ) =>
    rollouts.report({
      deviceId,
      job,
      fw: FW,
      state,
      at: new Date(clock.now()).toISOString(),
      ...extra,
    });
  return { table, clock, store, assigner, rollouts, create, report };
}
