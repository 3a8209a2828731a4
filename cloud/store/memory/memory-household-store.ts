import type { HouseholdStore } from '../../core/households/household-store.ts';
import type { Household, HouseholdGuardSettings } from '../../core/model.ts';
import type { MemoryTable } from './memory-table.ts';

export class MemoryHouseholdStore implements HouseholdStore {
  constructor(private readonly table: MemoryTable) {}

  async getHousehold(householdId: string): Promise<Household | null> {
    const household = this.table.households.get(householdId);
    return household ? { ...household } : null;
  }

  async putHousehold(household: Household): Promise<void> {
    this.table.households.set(household.householdId, { ...household });
  }

  async deleteHousehold(householdId: string): Promise<void> {
    this.table.households.delete(householdId);
    this.table.householdGuards.delete(householdId);
  }

  async getGuardSettings(householdId: string): Promise<HouseholdGuardSettings | null> {
    const settings = this.table.householdGuards.get(householdId);
    return settings ? structuredClone(settings) : null;
  }

  async putGuardSettings(householdId: string, settings: HouseholdGuardSettings): Promise<void> {
    this.table.householdGuards.set(householdId, structuredClone(settings));
  }
}
