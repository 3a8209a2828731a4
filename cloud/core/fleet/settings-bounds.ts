/**
 * What a household may set on its button, in one place: the API's schema takes its limits from
 * here, and Fleet checks them again for every other caller.
 */
import { RuleViolationError } from '../catalog/errors.ts';
import type { ButtonSettings } from '../model.ts';

export const SETTINGS_BOUNDS = {
  /** Units per order (also the second action's). */
  quantity: { min: 1, max: 99 },
  /** Up to a day. */
  cancelWindowMinutes: { min: 0, max: 1440 },
  maxOpenOrders: { min: 1, max: 10 },
  priceIncreaseLimitPct: { min: 0, max: 100 },
  /** Percent of the usual reorder interval before which a press waits for confirmation. */
  earlyReorderPct: { min: 0, max: 100 },
  burstWindowSeconds: { min: 0, max: 600 },
} as const;

const WHOLE: readonly string[] = [
  'quantity',
  'cancelWindowMinutes',
  'maxOpenOrders',
  'earlyReorderPct',
  'burstWindowSeconds',
];

/** Throws RuleViolationError (SETTING_OUT_OF_RANGE) for the first value outside its bounds. */
export function checkSettingsBounds(settings: Partial<ButtonSettings>): void {
  const values: [keyof typeof SETTINGS_BOUNDS, string, number | undefined][] = [
    ['quantity', 'quantity', settings.quantity],
    ['quantity', 'secondAction.quantity', settings.secondAction?.quantity],
    ['cancelWindowMinutes', 'cancelWindowMinutes', settings.cancelWindowMinutes],
    ['maxOpenOrders', 'maxOpenOrders', settings.maxOpenOrders],
    ['priceIncreaseLimitPct', 'priceIncreaseLimitPct', settings.priceIncreaseLimitPct],
    ['earlyReorderPct', 'earlyReorderPct', settings.earlyReorderPct],
    ['burstWindowSeconds', 'burstWindowSeconds', settings.burstWindowSeconds],
  ];
  for (const [bound, field, value] of values) {
    if (value === undefined) continue;
    const { min, max } = SETTINGS_BOUNDS[bound];
    const whole = !WHOLE.includes(bound) || Number.isInteger(value);
    if (!whole || !(value >= min && value <= max)) {
      throw new RuleViolationError(
        'SETTING_OUT_OF_RANGE',
        `${field} must be ${WHOLE.includes(bound) ? 'a whole number ' : ''}from ${min} to ${max}`,
        { field, value },
      );
    }
  }
}
