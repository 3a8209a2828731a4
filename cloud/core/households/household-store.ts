/** The port for household profiles: the only place a household's name, e-mail and address live. */
import type { Household } from '../model.ts';

export interface HouseholdStore {
  getHousehold(householdId: string): Promise<Household | null>;
  putHousehold(household: Household): Promise<void>;
  deleteHousehold(householdId: string): Promise<void>;
}
