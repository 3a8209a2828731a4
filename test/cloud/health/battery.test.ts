/** The battery estimate: a least-squares line of mV over presses, extrapolated to the cut-off. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  BATTERY,
  type BatterySample,
  estimateBattery,
} from '../../../cloud/core/health/battery.ts';

const DAY = 86_400_000;

/** `n` presses `every` sequence numbers apart, `daysPer` days apart, losing `drop` mV each. */
function series(n: number, start: number, drop: number, every = 1, daysPer = 7): BatterySample[] {
  return Array.from({ length: n }, (_, i) => ({
    seq: 1 + i * every,
    at: i * daysPer * DAY,
    mv: start - i * every * drop,
  }));
}

describe('estimateBattery', () => {
  it('extrapolates a steady drain to the cut-off, in presses and in the household’s days', () => {
    // 3 700 mV falling 10 mV per press: at seq 5 the line reads 3 660, 66 presses to 3 000 mV.
    const estimate = estimateBattery(series(5, 3700, 10));
    expect(estimate).toEqual({
      batteryMv: 3660,
      trendMvPerPress: -10,
      pressesLeft: 66,
      daysLeft: 66 * 7,
    });
  });

  it('counts presses by sequence number, so presses that made no order still drain the battery', () => {
    // Orders on every third press: 30 mV between samples is 10 mV per press.
    const estimate = estimateBattery(series(4, 3700, 10, 3, 21));
    expect(estimate.trendMvPerPress).toBe(-10);
    expect(estimate.daysLeft).toBe(Math.floor((estimate.pressesLeft as number) * 7));
  });

  it('gives no estimate from fewer than three readings or without a measurable drop', () => {
    expect(estimateBattery([])).toEqual({
      batteryMv: null,
      trendMvPerPress: null,
      pressesLeft: null,
      daysLeft: null,
    });
    expect(estimateBattery(series(2, 3700, 10)).pressesLeft).toBeNull();
    const flat = estimateBattery(series(6, 3500, 0));
    expect(flat).toMatchObject({ batteryMv: 3500, trendMvPerPress: 0, pressesLeft: null });
  });

  it('says zero presses left once the fitted line is below the cut-off', () => {
    expect(estimateBattery(series(4, 3030, 20)).pressesLeft).toBe(0);
  });

  it('recovers the exact drain and remaining presses of any noiseless linear series', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 3, max: BATTERY.SAMPLES }),
        fc.integer({ min: 3100, max: 4200 }),
        fc.integer({ min: 1, max: 40 }),
        fc.integer({ min: 1, max: 5 }),
        (n, start, drop, every) => {
          const samples = series(n, start, drop, every);
          const estimate = estimateBattery(samples);
          const newest = samples[samples.length - 1] as BatterySample;
          expect(estimate.trendMvPerPress).toBeCloseTo(-drop, 6);
          const exact = Math.max(0, (newest.mv - BATTERY.CUTOFF_MV) / drop);
          // Floating-point fit: within one press of the exact answer, never negative.
          expect(
            Math.abs((estimate.pressesLeft as number) - Math.floor(exact)),
          ).toBeLessThanOrEqual(1);
        },
      ),
    );
  });
});
