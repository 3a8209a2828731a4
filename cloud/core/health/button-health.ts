/**
 * One button's health record, maintained from events (order events carry the press's battery
 * and versions; claim and release events), and the pure rules that move it. It holds no
 * household data: the brand sees its devices, never who presses them.
 */
import { BATTERY, type BatteryEstimate, type BatterySample, estimateBattery } from './battery.ts';

export const SILENT = {
  /** A button is silent after this many times its household's usual days between presses. */
  RHYTHM_FACTOR: 2,
  /** …and never sooner than this. */
  MIN_DAYS: 3,
  /** Without a household rhythm or the SKU's "usually lasts": the brand default. */
  DEFAULT_DAYS: 45,
  /** A silent button is looked at again this often, to notice that it is pressed again. */
  RECHECK_MS: 86_400_000,
} as const;

const DAY_MS = 86_400_000;

export interface ButtonHealth {
  deviceId: string;
  brandId: string;
  skuId: string | null;
  keyVersion: number | null;
  /** The firmware version the newest version 2 press reported. */
  firmware: number | null;
  /** The newest presses' battery readings, by sequence number (bounded). */
  samples: BatterySample[];
  lastPressAt: number | null;
  /** When its current household claimed it; null while unclaimed (no silence check then). */
  claimedAt: number | null;
  /** Low-battery episode: set when its event is written, cleared once the battery recovers. */
  lowBatterySince: number | null;
  /** Silent episode: the last sign of life when it was found silent; cleared by a press. */
  silentSince: number | null;
  /** When the sweep should look at it next; null: nothing to look at. */
  checkAt: number | null;
}

export type HealthStatus = 'ok' | 'replace_soon' | 'silent' | 'low_battery';

export function newHealth(deviceId: string, brandId: string): ButtonHealth {
  return {
    deviceId,
    brandId,
    skuId: null,
    keyVersion: null,
    firmware: null,
    samples: [],
    lastPressAt: null,
    claimedAt: null,
    lowBatterySince: null,
    silentSince: null,
    checkAt: null,
  };
}

/** The last sign of life: the newest press, or the claim when it is newer. */
export function lastActiveAt(health: ButtonHealth): number | null {
  const times = [health.lastPressAt, health.claimedAt].filter((t): t is number => t !== null);
  return times.length === 0 ? null : Math.max(...times);
}

/** The household's usual days between presses on this button (its presses since the claim). */
export function rhythmDays(health: ButtonHealth): number | null {
  if (health.claimedAt === null) return null;
  const since = health.samples.filter((s) => s.at >= (health.claimedAt as number));
  if (since.length < 2) return null;
  const first = since[0] as BatterySample;
  const last = since[since.length - 1] as BatterySample;
  return (last.at - first.at) / DAY_MS / (since.length - 1);
}

/** Days without a press after which the button counts as silent. */
export function silentAfterDays(health: ButtonHealth, brandDefaultDays: number | null): number {
  const rhythm = rhythmDays(health);
  if (rhythm !== null) return Math.max(SILENT.MIN_DAYS, SILENT.RHYTHM_FACTOR * rhythm);
  if (brandDefaultDays !== null && brandDefaultDays > 0) {
    return Math.max(SILENT.MIN_DAYS, SILENT.RHYTHM_FACTOR * brandDefaultDays);
  }
  return SILENT.DEFAULT_DAYS;
}

/**
 * When the sweep should first look: the earliest the button could be silent (the sweep knows
 * the SKU's default and moves the check to the exact time).
 */
function firstCheckAt(health: ButtonHealth): number | null {
  const active = lastActiveAt(health);
  if (health.claimedAt === null || active === null) return null;
  const rhythm = rhythmDays(health);
  const days = rhythm === null ? SILENT.MIN_DAYS : silentAfterDays(health, null);
  return active + days * DAY_MS;
}

export interface PressSample {
  seq: number;
  at: number;
  batteryMv: number;
  keyVersion: number;
  firmware: number | null;
  skuId: string;
}

/** A press seen: its reading joins the series, a silent episode ends, the check moves on. */
export function afterPress(health: ButtonHealth, press: PressSample): ButtonHealth {
  const fresh = !health.samples.some((s) => s.seq === press.seq);
  const samples = fresh
    ? [...health.samples, { seq: press.seq, at: press.at, mv: press.batteryMv }]
        .sort((a, b) => a.seq - b.seq)
        .slice(-BATTERY.SAMPLES)
    : health.samples;
  const newest = samples[samples.length - 1] as BatterySample;
  const isNewest = newest.seq === press.seq;
  const next: ButtonHealth = {
    ...health,
    samples,
    skuId: isNewest ? press.skuId : health.skuId,
    keyVersion: isNewest ? press.keyVersion : health.keyVersion,
    firmware: isNewest ? (press.firmware ?? health.firmware) : health.firmware,
    lastPressAt: Math.max(health.lastPressAt ?? 0, press.at),
  };
  if (next.silentSince !== null && press.at > next.silentSince) next.silentSince = null;
  if (next.lowBatterySince !== null && newest.mv >= BATTERY.LOW_MV + BATTERY.RECOVERED_MARGIN_MV) {
    next.lowBatterySince = null;
  }
  next.checkAt = next.silentSince === null ? firstCheckAt(next) : next.checkAt;
  return next;
}

/** True when the newest reading starts a low-battery episode (its event is due). */
export function startsLowBattery(health: ButtonHealth): boolean {
  const estimate = estimateBattery(health.samples);
  if (health.lowBatterySince !== null || estimate.batteryMv === null) return false;
  return estimate.batteryMv <= BATTERY.LOW_MV || estimate.pressesLeft === 0;
}

export function afterClaim(
  health: ButtonHealth,
  at: number,
  keyVersion: number | null,
): ButtonHealth {
  const next = {
    ...health,
    claimedAt: at,
    silentSince: null,
    keyVersion: health.keyVersion ?? keyVersion,
  };
  return { ...next, checkAt: firstCheckAt(next) };
}

export function afterRelease(health: ButtonHealth): ButtonHealth {
  return { ...health, claimedAt: null, silentSince: null, checkAt: null };
}

export interface HealthView extends Omit<BatteryEstimate, 'trendMvPerPress'> {
  deviceId: string;
  skuId: string | null;
  batteryTrendMvPerPress: number | null;
  lastPressAt: number | null;
  silentSinceDays?: number;
  firmware?: number;
  keyVersion: number | null;
  claimed: boolean;
  status: HealthStatus;
}

export function healthView(health: ButtonHealth, now: number): HealthView {
  const { trendMvPerPress, ...estimate } = estimateBattery(health.samples);
  const low =
    health.lowBatterySince !== null ||
    (estimate.batteryMv !== null && estimate.batteryMv <= BATTERY.LOW_MV) ||
    estimate.pressesLeft === 0;
  const soon =
    (estimate.pressesLeft !== null && estimate.pressesLeft <= BATTERY.REPLACE_SOON_PRESSES) ||
    (estimate.daysLeft !== null && estimate.daysLeft <= BATTERY.REPLACE_SOON_DAYS);
  const status: HealthStatus = low
    ? 'low_battery'
    : health.silentSince !== null
      ? 'silent'
      : soon
        ? 'replace_soon'
        : 'ok';
  return {
    deviceId: health.deviceId,
    skuId: health.skuId,
    ...estimate,
    batteryTrendMvPerPress: trendMvPerPress,
    lastPressAt: health.lastPressAt,
    ...(health.silentSince === null
      ? {}
      : { silentSinceDays: Math.floor((now - health.silentSince) / DAY_MS) }),
    ...(health.firmware === null ? {} : { firmware: health.firmware }),
    keyVersion: health.keyVersion,
    claimed: health.claimedAt !== null,
    status,
  };
}

/** Buttons to replace soon: a low battery, or few presses or days left. */
export function needsReplacing(view: HealthView): boolean {
  return view.status === 'low_battery' || view.status === 'replace_soon';
}
