/**
 * How long a button's battery lasts, from the millivolts its presses report.
 *
 * Method: an ordinary least-squares line through the recent samples, millivolts against the
 * press sequence number (the device counts every press, so presses that made no order still
 * count), gives the drop per press. Presses left = (the line's value at the newest press −
 * the cut-off) ÷ the drop per press. Days left = presses left × the household's days per press
 * on this button (time between the first and newest sample ÷ presses between them). With fewer
 * than three samples, or no measurable drop, there is no estimate (null).
 */

export const BATTERY = {
  /** Below this the ESP32 browns out on a Wi-Fi join: the button is dead. */
  CUTOFF_MV: 3000,
  /** The device's own low-battery warning (its LED pattern) starts here. */
  LOW_MV: 3300,
  /**
   * A cell in mid-life: what virtual buttons report (the sandbox's, `npm run press`, the
   * benchmarks' and the soak's). A fleet reporting LOW_MV or less would show every button as
   * dying and announce each one's low battery.
   */
  HEALTHY_MV: 3700,
  /** A reading this far above LOW_MV after a low one means the battery was replaced. */
  RECOVERED_MARGIN_MV: 200,
  /** Samples kept per button (oldest dropped): enough for a stable fit, small on the item. */
  SAMPLES: 16,
  MIN_SAMPLES_FOR_FIT: 3,
  /** "Replace soon" when fewer presses or days than these remain. */
  REPLACE_SOON_PRESSES: 25,
  REPLACE_SOON_DAYS: 30,
} as const;

export const BATTERY_METHOD =
  'least-squares line of battery mV over the press sequence number (last 16 presses), ' +
  `extrapolated to the ${BATTERY.CUTOFF_MV} mV cut-off; days from the household's days per press on the button`;

export interface BatterySample {
  seq: number;
  at: number;
  mv: number;
}

export interface BatteryEstimate {
  /** The newest reading. */
  batteryMv: number | null;
  /** mV per press (negative while draining); null without a fit. */
  trendMvPerPress: number | null;
  pressesLeft: number | null;
  daysLeft: number | null;
}

const DAY_MS = 86_400_000;

export function estimateBattery(samples: readonly BatterySample[]): BatteryEstimate {
  const newest = samples[samples.length - 1];
  const none = {
    batteryMv: newest?.mv ?? null,
    trendMvPerPress: null,
    pressesLeft: null,
    daysLeft: null,
  };
  if (!newest || samples.length < BATTERY.MIN_SAMPLES_FOR_FIT) return none;
  const n = samples.length;
  const meanX = samples.reduce((sum, s) => sum + s.seq, 0) / n;
  const meanY = samples.reduce((sum, s) => sum + s.mv, 0) / n;
  let sxy = 0;
  let sxx = 0;
  for (const s of samples) {
    sxy += (s.seq - meanX) * (s.mv - meanY);
    sxx += (s.seq - meanX) ** 2;
  }
  if (sxx === 0) return none;
  const slope = sxy / sxx;
  const trendMvPerPress = Math.round(slope * 100) / 100;
  if (slope >= 0) return { ...none, trendMvPerPress };
  const fittedNow = meanY + slope * (newest.seq - meanX);
  const pressesLeft = Math.max(0, Math.floor((fittedNow - BATTERY.CUTOFF_MV) / -slope));
  const oldest = samples[0] as BatterySample;
  const pressesSpanned = newest.seq - oldest.seq;
  const daysPerPress = pressesSpanned > 0 ? (newest.at - oldest.at) / DAY_MS / pressesSpanned : 0;
  const daysLeft = daysPerPress > 0 ? Math.floor(pressesLeft * daysPerPress) : null;
  return { batteryMv: newest.mv, trendMvPerPress, pressesLeft, daysLeft };
}
