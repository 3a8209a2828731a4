/** Where the brand's household activity records live (one item each in the brand's partition). */
import type { HouseholdActivity } from './household-activity.ts';

export interface StoredActivity {
  activity: HouseholdActivity;
  /** Bumped by every write; writes are conditional on it (0: no record yet). */
  version: number;
}

export interface ActivityStore {
  getActivity(brandId: string, key: string): Promise<StoredActivity | null>;
  /** Writes the record only if its version is still `expectedVersion`; false otherwise. */
  putActivity(activity: HouseholdActivity, expectedVersion: number): Promise<boolean>;
  /** Every record of the brand (a range of its partition: households, never orders). */
  listActivity(brandId: string): Promise<HouseholdActivity[]>;
}
