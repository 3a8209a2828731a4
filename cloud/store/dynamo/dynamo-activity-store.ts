/** ActivityStore on the table: one item per household in the brand's partition (`HHACT#{key}`). */
import type { ActivityStore, StoredActivity } from '../../core/insight/activity-store.ts';
import type { HouseholdActivity } from '../../core/insight/household-activity.ts';
import type { Table } from './table.ts';
import { keys } from './table-keys.ts';
import { getVersioned, putVersioned, queryBodies } from './versioned-item.ts';

const PREFIX = 'HHACT#';

export class DynamoActivityStore implements ActivityStore {
  constructor(private readonly table: Table) {}

  async getActivity(brandId: string, key: string): Promise<StoredActivity | null> {
    const found = await getVersioned<HouseholdActivity>(
      this.table,
      'getActivity',
      keys.activity(brandId, key),
    );
    return found && { activity: found.body, version: found.version };
  }

  putActivity(activity: HouseholdActivity, expectedVersion: number): Promise<boolean> {
    return putVersioned(
      this.table,
      'putActivity',
      { ...keys.activity(activity.brandId, activity.key), type: 'activity', body: activity },
      expectedVersion,
    );
  }

  async listActivity(brandId: string): Promise<HouseholdActivity[]> {
    const { pk } = keys.brand(brandId);
    const records: HouseholdActivity[] = [];
    let start: Record<string, unknown> | undefined;
    do {
      const page = await queryBodies<HouseholdActivity>(this.table, 'listActivity', pk, PREFIX, {
        start,
      });
      records.push(...page.bodies);
      start = page.lastKey;
    } while (start);
    return records;
  }
}
