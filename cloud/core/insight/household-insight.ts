/**
 * Keeps the brand's household activity records from events (the same sink runs in the local
 * relay and the AWS statistics Lambda) and answers RFM segments and cohorts from them.
 */
import { createHash } from 'node:crypto';
import { RestockError } from '../errors.ts';
import type { ButtonEvent, ButtonEventSink } from '../events/button-events.ts';
import type { OrderEvent } from '../model.ts';
import type { EventSink } from '../ports.ts';
import type { ActivityStore } from './activity-store.ts';
import {
  erasedActivity,
  type HouseholdActivity,
  newActivity,
  withClaim,
  withOrder,
} from './household-activity.ts';
import { type Cohort, cohortsOf, type Rfm, rfmOf } from './rfm.ts';

const MAX_RACES = 20;

/** Per brand, so two brands' records of one household cannot be joined. */
export function householdKey(brandId: string, householdId: string): string {
  return createHash('sha256')
    .update(`${brandId}\u0000${householdId}`)
    .digest('base64url')
    .slice(0, 22);
}

export class ActivityContentionError extends RestockError {
  override readonly name = 'ActivityContentionError';
  constructor(brandId: string) {
    super('ACTIVITY_CONTENTION', `a household record of ${brandId} could not be updated`, {
      details: { brandId },
    });
  }
}

export class HouseholdInsight implements EventSink, ButtonEventSink {
  constructor(private readonly store: ActivityStore) {}

  async emit(events: OrderEvent[]): Promise<void> {
    // Only deliveries count (withOrder), never a sandbox's test orders: other events cost no read.
    for (const event of events.filter((e) => e.order.status === 'DELIVERED' && !e.order.test)) {
      const key = householdKey(event.brandId, event.householdId);
      await this.change(event.brandId, key, (a) => withOrder(a, event.order, event.at));
    }
  }

  async emitButtonEvents(events: ButtonEvent[]): Promise<void> {
    for (const event of events) {
      if (event.type !== 'ButtonClaimed' || event.householdKey === null) continue;
      await this.change(event.brandId, event.householdKey, (a) => withClaim(a, event.at));
    }
  }

  /** Erasure: the household's record with each brand becomes a tombstone holding nothing. */
  async erase(householdId: string, brandIds: Iterable<string>): Promise<void> {
    for (const brandId of new Set(brandIds)) {
      const key = householdKey(brandId, householdId);
      await this.change(brandId, key, (a) => erasedActivity(a.brandId, a.key));
    }
  }

  async insight(brandId: string, now: number): Promise<{ rfm: Rfm; cohorts: Cohort[] }> {
    const records = await this.store.listActivity(brandId);
    return { rfm: rfmOf(records, now), cohorts: cohortsOf(records, now) };
  }

  private async change(
    brandId: string,
    key: string,
    change: (activity: HouseholdActivity) => HouseholdActivity,
  ): Promise<void> {
    for (let race = 0; race < MAX_RACES; race++) {
      const stored = await this.store.getActivity(brandId, key);
      const current = stored?.activity ?? newActivity(brandId, key);
      const next = change(current);
      if (stored && JSON.stringify(next) === JSON.stringify(current)) return;
      if (await this.store.putActivity(next, stored?.version ?? 0)) return;
    }
    throw new ActivityContentionError(brandId);
  }
}
