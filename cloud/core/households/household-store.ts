/** The port for household profiles: the only place a household's name, e-mail and address live. */
import type { Household, HouseholdGuardSettings } from '../model.ts';

export interface HouseholdStore {
  getHousehold(householdId: string): Promise<Household | null>;
  putHousehold(household: Household): Promise<void>;
  /** Deletes the profile and the guard settings. */
  deleteHousehold(householdId: string): Promise<void>;
  /** The household's guard settings, or null while it has never set them. */
  getGuardSettings(householdId: string): Promise<HouseholdGuardSettings | null>;
  putGuardSettings(householdId: string, settings: HouseholdGuardSettings): Promise<void>;
}
