import type { HouseholdStore } from '../../core/households/household-store.ts';
import type { Household } from '../../core/model.ts';

export class MemoryHouseholdStore implements HouseholdStore {
  readonly households = new Map<string, Household>();

  async getHousehold(householdId: string): Promise<Household | null> {
    const household = this.households.get(householdId);
    return household ? { ...household } : null;
  }

  async putHousehold(household: Household): Promise<void> {
    this.households.set(household.householdId, { ...household });
  }

  async deleteHousehold(householdId: string): Promise<void> {
    this.households.delete(householdId);
  }
}
