/**
 * What a brand may set on its buttons' firmware (LED, click timings, second action, Wi-Fi): the
 * bounds live in the shared contract (the firmware checks them too); the API's schema takes its
 * limits from here and `checkDeviceSettings` checks them again for every other caller. Refusals
 * carry the household settings' code (SETTING_OUT_OF_RANGE), so a client handles both alike.
 */

import { DEVICE_SETTINGS_BOUNDS, SECOND_ACTIONS } from '#shared/index';
import { RuleViolationError } from '../catalog/errors.ts';
import type { DeviceSettings } from '../ota/ports.ts';

export { DEVICE_SETTINGS_BOUNDS, SECOND_ACTIONS };

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
