/**
 * Maps a Button to its table item and back. The press path and the API both write this item,
 * each only the attributes it owns (SET on named attributes, never a whole-item put after
 * creation), so neither overwrites the other's changes:
 * - the API owns: brandId, serial, keyVersion, householdId, settings, claimHash, test, gsi1/gsi2 keys;
 * - the press path owns: hwm, open, recent, rhythm, lastPressAt, batteryMv, fw, cfg;
 * - the update and settings stores own: upd.
 */

import type { RhythmBook } from '../../core/guard/rhythm.ts';
import { type Button, DEFAULT_SETTINGS, type Order } from '../../core/model.ts';
import type { LoadedButton, RecentDecision } from '../../core/press/press-store.ts';
import { keys } from './table-keys.ts';

export interface ButtonItem {
  pk: string;
  sk: string;
  type: 'button';
  deviceId: string;
  brandId: string;
  serial: string;
  keyVersion: number;
  householdId: string | null;
  settings: Button['settings'];
  hwm: number;
  open: Order[];
  recent: RecentDecision[];
  rhythm?: RhythmBook;
  lastPressAt: number | null;
  batteryMv: number | null;
  createdAt: number;
  test?: boolean;
  upd?: number;
  fw?: number;
  cfg?: number;
  gsi1pk?: string;
  gsi1sk?: string;
  gsi2pk: string;
  gsi2sk: string;
}

export function householdIndexKeys(householdId: string, deviceId: string) {
  return { gsi1pk: `HH#${householdId}`, gsi1sk: `BTN#${deviceId}` };
}

export function toButtonItem(button: Button): ButtonItem {
  return {
    ...keys.button(button.deviceId),
    type: 'button',
    deviceId: button.deviceId,
    brandId: button.brandId,
    serial: button.serial,
    keyVersion: button.keyVersion,
    householdId: button.householdId,
    settings: button.settings,
    hwm: button.highWaterMark,
    open: button.open,
    recent: [],
    lastPressAt: button.lastPressAt,
    batteryMv: button.batteryMv,
    createdAt: button.createdAt,
    ...(button.test ? { test: true } : {}),
    ...(button.updatePending ? { upd: button.updatePending } : {}),
    ...(button.householdId ? householdIndexKeys(button.householdId, button.deviceId) : {}),
    gsi2pk: `BRAND#${button.brandId}`,
    gsi2sk: `BTN#${button.deviceId}`,
  };
}

export function fromButtonItem(item: Record<string, unknown>): LoadedButton {
  const i = item as unknown as ButtonItem;
  return {
    deviceId: i.deviceId,
    brandId: i.brandId,
    serial: i.serial,
    keyVersion: i.keyVersion,
    householdId: i.householdId ?? null,
    settings: { ...DEFAULT_SETTINGS, ...i.settings },
    highWaterMark: i.hwm ?? 0,
    open: i.open ?? [],
    recent: i.recent ?? [],
    rhythm: i.rhythm ?? {},
    lastPressAt: i.lastPressAt ?? null,
    batteryMv: i.batteryMv ?? null,
    createdAt: i.createdAt,
    ...(i.test === true ? { test: true } : {}),
    ...(i.upd ? { updatePending: i.upd } : {}),
    ...(i.fw !== undefined ? { firmware: i.fw, settingsVersion: i.cfg ?? 0 } : {}),
  };
}
