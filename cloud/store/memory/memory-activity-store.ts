/** ActivityStore on the MemoryTable. */
import type { ActivityStore, StoredActivity } from '../../core/insight/activity-store.ts';
import type { HouseholdActivity } from '../../core/insight/household-activity.ts';
import { byKey } from './memory-page.ts';
import { clone, type MemoryTable } from './memory-table.ts';

const id = (brandId: string, key: string) => `${brandId}/${key}`;

export class MemoryActivityStore implements ActivityStore {
  constructor(private readonly table: MemoryTable) {}

  async getActivity(brandId: string, key: string): Promise<StoredActivity | null> {
    return clone(this.table.activity.get(id(brandId, key)) ?? null);
  }

  async putActivity(activity: HouseholdActivity, expectedVersion: number): Promise<boolean> {
    const at = id(activity.brandId, activity.key);
    if ((this.table.activity.get(at)?.version ?? 0) !== expectedVersion) return false;
    this.table.activity.set(at, { activity: clone(activity), version: expectedVersion + 1 });
    return true;
  }

  async listActivity(brandId: string): Promise<HouseholdActivity[]> {
    return clone(
      [...this.table.activity.values()]
        .map((stored) => stored.activity)
        .filter((a) => a.brandId === brandId)
        .sort(byKey((a) => a.key)),
    );
  }
}
