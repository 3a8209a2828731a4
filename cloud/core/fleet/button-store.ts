/**
 * The port for button items as the API sees them. The press path owns other attributes of the
 * same item (hwm, open, recent, lastPressAt, batteryMv); adapters change only the attributes
 * named here, so neither side overwrites the other.
 */
import { type Button, type ButtonSettings, DEFAULT_SETTINGS } from '../model.ts';
import type { Page, PageRequest } from '../page.ts';

/** Settings to change; `acceptedPriceCents` only through the order flow and the terms. */
export type SettingsPatch = Partial<ButtonSettings>;

/**
 * What a household's departure (release, erasure) resets: every setting it chose, and the price
 * it accepted; the brand's SKU binding stays. Adapters apply it in the same write as the release,
 * and forget the rhythm learned from its orders there too.
 */
const { skuId: _brandBinding, ...householdDefaults } = DEFAULT_SETTINGS;
export const HOUSEHOLD_RESET: Required<Omit<SettingsPatch, 'skuId'>> = householdDefaults;

export type AssignResult = 'assigned' | 'already-yours' | 'taken' | 'missing';

export interface ButtonStore {
  /** Creates the item, remembering the claim code's hash; false when the device id exists. */
  createButton(button: Button, claimHash: string): Promise<boolean>;
  getButton(deviceId: string): Promise<Button | null>;
  /** By device id. */
  listBrandButtons(brandId: string, page: PageRequest): Promise<Page<Button>>;
  /** By device id. */
  listHouseholdButtons(householdId: string, page: PageRequest): Promise<Page<Button>>;
  /** Sets the named settings if the button belongs to `owner`; false otherwise. */
  patchSettings(deviceId: string, owner: ButtonOwner, patch: SettingsPatch): Promise<boolean>;
  /** Gives an unclaimed button to a household (conditional: exactly one household wins). */
  assignHousehold(deviceId: string, householdId: string): Promise<AssignResult>;
  /**
   * Detaches the button from `householdId` and applies HOUSEHOLD_RESET; returns the claim-code hash it held, or undefined
   * when the button was not that household's.
   */
  releaseHousehold(deviceId: string, householdId: string): Promise<string | null | undefined>;
  /**
   * Forgets what was learned from the household's orders on this button (the rhythm, and the
   * reminder timer it set); false when the button is not that household's.
   */
  forgetRhythm(deviceId: string, householdId: string): Promise<boolean>;
  /** Marks the brand's button as a test button (or a real one again); false when not the brand's. */
  markTest(deviceId: string, brandId: string, test: boolean): Promise<boolean>;
}

export type ButtonOwner = { brandId: string } | { householdId: string } | 'any';

export function isOwner(owner: ButtonOwner, button: Button): boolean {
  if (owner === 'any') return true;
  return 'brandId' in owner
    ? button.brandId === owner.brandId
    : button.householdId === owner.householdId;
}
