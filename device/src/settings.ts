/**
 * Settings a brand or household sets in the cloud (Device Shadow `desired`) and the button
 * applies from the wake after it fetched them: LED brightness, click timings, what a double
 * click and a long press do, and Wi-Fi networks to try before the flashed one. Kept in flash as
 * two alternating records (`rs.c0`, `rs.c1`, see records.ts): one write applies a version, and
 * power lost during it leaves the previous version whole.
 */
import { DEVICE_SETTINGS_BOUNDS as B, MAX_VERSION, SECOND_ACTIONS } from '#shared/index';
import { type RecordStore, readLatest, writeNext } from './records.ts';

export interface WifiNetwork {
  ssid: string;
  /** Empty: an open network. */
  pass: string;
}

/** Every field optional: what is absent keeps the firmware's default. */
export interface Settings {
  /** LED brightness, percent. */
  led?: number;
  doubleMs?: number;
  longMs?: number;
  /** What a double click does: 'order' (the second action), 'cancel', 'none'. */
  double?: string;
  /** false: a long press does nothing. */
  longCancels?: boolean;
  wifi?: WifiNetwork[];
}

export interface SettingsRecord {
  n: number;
  /** The settings version (the shadow's), sent as `cfg` in every press. */
  v: number;
  s: Settings;
}

export const SETTINGS_FILES = ['rs.c0', 'rs.c1'];

const isText = (value: unknown, min: number, max: number) =>
  typeof value === 'string' && value.length >= min && value.length <= max;

const inRange = (value: unknown, bounds: { min: number; max: number }) =>
  value === undefined ||
  (typeof value === 'number' &&
    Math.floor(value) === value &&
    value >= bounds.min &&
    value <= bounds.max);

/**
 * The first field out of bounds (the cloud's bounds), or null. Fields this firmware does not
 * know are ignored, so a newer cloud's settings still apply.
 */
export function settingsProblem(raw: unknown): string | null {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return 'settings';
  const s = raw as Settings;
  if (!inRange(s.led, B.led)) return 'led';
  if (!inRange(s.doubleMs, B.doubleMs)) return 'doubleMs';
  if (!inRange(s.longMs, B.longMs)) return 'longMs';
  if (s.double !== undefined && (SECOND_ACTIONS as readonly unknown[]).indexOf(s.double) < 0)
    return 'double';
  if (s.longCancels !== undefined && typeof s.longCancels !== 'boolean') return 'longCancels';
  if (s.wifi === undefined) return null;
  if (!Array.isArray(s.wifi) || s.wifi.length > B.wifi.max) return 'wifi';
  for (const w of s.wifi) {
    if (typeof w !== 'object' || w === null || !isText(w.ssid, B.ssid.min, B.ssid.max))
      return 'wifi.ssid';
    if (w.pass !== '' && !isText(w.pass, B.pass.min, B.pass.max)) return 'wifi.pass';
  }
  return null;
}

export const isVersion = (v: unknown) =>
  v !== undefined && inRange(v, { min: 1, max: MAX_VERSION });

/** The settings applied at boot; null when the cloud never sent any (the defaults apply). */
export function readSettings(store: RecordStore): SettingsRecord | null {
  return readLatest<SettingsRecord>(
    store,
    SETTINGS_FILES,
    (r) => isVersion(r.v) && settingsProblem(r.s) === null,
  );
}

/** Stores version `v` with one flash write; it applies from the next wake. */
export function saveSettings(
  store: RecordStore,
  current: SettingsRecord | null,
  v: number,
  s: Settings,
): SettingsRecord {
  return writeNext(store, SETTINGS_FILES, current ? current.n : 0, { n: 0, v, s });
}
