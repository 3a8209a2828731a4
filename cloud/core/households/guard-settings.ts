/**
 * The household's guard settings — time zone, quiet hours, learning — kept on the household
 * and applied to each of its buttons, where the press path reads them without another store
 * call. A button may still be set on its own afterwards (its own settings win until the
 * household changes the setting again). Switching learning off forgets what was learned on
 * every button. Each step is idempotent: a change that failed half-way is finished by
 * repeating it.
 */

import { RuleViolationError } from '../catalog/errors.ts';
import type { ButtonStore } from '../fleet/button-store.ts';
import { isTimeZone } from '../guard/local-time.ts';
import { DEFAULT_HOUSEHOLD_GUARD, type HouseholdGuardSettings } from '../model.ts';
import { collectAll } from './collect.ts';
import type { HouseholdStore } from './household-store.ts';

export class HouseholdGuard {
  constructor(private readonly deps: { households: HouseholdStore; buttons: ButtonStore }) {}

  async get(householdId: string): Promise<HouseholdGuardSettings> {
    return (await this.deps.households.getGuardSettings(householdId)) ?? DEFAULT_HOUSEHOLD_GUARD;
  }

  async update(
    householdId: string,
    changes: Partial<HouseholdGuardSettings>,
  ): Promise<HouseholdGuardSettings> {
    if (changes.timeZone !== undefined && !isTimeZone(changes.timeZone)) {
      throw new RuleViolationError('BAD_TIME_ZONE', `${changes.timeZone} is not an IANA time zone`);
    }
    const defined = Object.fromEntries(
      Object.entries(changes).filter(([, value]) => value !== undefined),
    ) as Partial<HouseholdGuardSettings>;
    const next = { ...(await this.get(householdId)), ...defined };
    await this.deps.households.putGuardSettings(householdId, next);
    const { buttons } = this.deps;
    const owned = await collectAll((page) => buttons.listHouseholdButtons(householdId, page));
    for (const button of owned) {
      // A button released meanwhile is no longer the household's: nothing to apply.
      if (!(await buttons.patchSettings(button.deviceId, { householdId }, defined))) continue;
      if (defined.learnRhythm === false) await buttons.forgetRhythm(button.deviceId, householdId);
    }
    return next;
  }

  /** A newly claimed button takes the household's settings, where it has set them. */
  async applyTo(householdId: string, deviceId: string): Promise<void> {
    const settings = await this.deps.households.getGuardSettings(householdId);
    if (settings) await this.deps.buttons.patchSettings(deviceId, { householdId }, settings);
  }
}
