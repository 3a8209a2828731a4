/**
 * What a brand may set on its buttons' firmware (LED, click timings, second action, Wi-Fi), in
 * one place: the API's schema takes its limits from here and `checkDeviceSettings` checks them
 * again for every other caller. Refusals carry the household settings' code
 * (SETTING_OUT_OF_RANGE), so a client handles both alike.
 */

import { RuleViolationError } from '../catalog/errors.ts';
import type { DeviceSettings } from '../ota/ports.ts';

export const DEVICE_SETTINGS_BOUNDS = {
  /** LED brightness in percent. */
  led: { min: 0, max: 100 },
  /** The window for a second click: shorter misses slow double clicks, longer delays every order. */
  doubleMs: { min: 150, max: 1000 },
  /** The hold that means LONG; at 5 s the button enters setup mode, so LONG must end before. */
  longMs: { min: 1000, max: 4500 },
  /** Networks tried in order; the firmware keeps at most three. */
  wifi: { max: 3 },
  /** 802.11 SSIDs are 1..32 bytes; WPA2 passphrases 8..63 characters (empty: an open network). */
  ssid: { min: 1, max: 32 },
  pass: { min: 8, max: 63 },
} as const;

export const SECOND_ACTIONS = ['order', 'cancel', 'none'] as const;

const refuse = (field: string, message: string, value: unknown): never => {
  throw new RuleViolationError('SETTING_OUT_OF_RANGE', `${field} ${message}`, { field, value });
};

function checkWhole(field: 'led' | 'doubleMs' | 'longMs', value: number | undefined): void {
  if (value === undefined) return;
  const { min, max } = DEVICE_SETTINGS_BOUNDS[field];
  if (!Number.isInteger(value) || value < min || value > max) {
    refuse(field, `must be a whole number from ${min} to ${max}`, value);
  }
}

/** Throws RuleViolationError (SETTING_OUT_OF_RANGE) for the first value outside its bounds. */
export function checkDeviceSettings(settings: DeviceSettings): void {
  checkWhole('led', settings.led);
  checkWhole('doubleMs', settings.doubleMs);
  checkWhole('longMs', settings.longMs);
  if (settings.double !== undefined && !SECOND_ACTIONS.includes(settings.double)) {
    refuse('double', `must be one of ${SECOND_ACTIONS.join(', ')}`, settings.double);
  }
  const wifi = settings.wifi ?? [];
  if (wifi.length > DEVICE_SETTINGS_BOUNDS.wifi.max) {
    refuse('wifi', `holds at most ${DEVICE_SETTINGS_BOUNDS.wifi.max} networks`, wifi.length);
  }
  const { ssid, pass } = DEVICE_SETTINGS_BOUNDS;
  wifi.forEach((network, i) => {
    const bytes = new TextEncoder().encode(network.ssid).length;
    if (bytes < ssid.min || bytes > ssid.max) {
      refuse(`wifi.${i}.ssid`, `must be ${ssid.min} to ${ssid.max} bytes`, network.ssid);
    }
    if (network.pass !== '' && (network.pass.length < pass.min || network.pass.length > pass.max)) {
      refuse(
        `wifi.${i}.pass`,
        `must be empty or ${pass.min} to ${pass.max} characters`,
        '(hidden)',
      );
    }
  });
}
