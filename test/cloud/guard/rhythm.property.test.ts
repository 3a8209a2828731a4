/**
 * The rhythm estimator's promises: no decision before three orders unless the brand gives a
 * default; a longer gap never shortens the usual interval; one odd gap cannot pull it outside
 * the household's other gaps; the order in which times arrive does not matter.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  DAY_MS,
  estimateRhythm,
  gapsOf,
  MIN_ORDERS_FOR_RHYTHM,
} from '../../../cloud/core/guard/rhythm.ts';
import { timesFrom } from '../../helpers/arbitraries.ts';

const START = Date.UTC(2025, 0, 1);
const gap = fc.integer({ min: 1, max: 400 * DAY_MS });
const brandDefault = fc.option(fc.integer({ min: 1, max: 365 }), { nil: null });

describe('reorder rhythm estimator', () => {
  it('decides nothing from fewer than three orders unless the brand gives a default', () => {
    fc.assert(
      fc.property(
        fc.array(gap, { maxLength: MIN_ORDERS_FOR_RHYTHM - 2 }),
        brandDefault,
        (gaps, days) => {
          const estimate = estimateRhythm(timesFrom(START, gaps), days);
          if (days === null) expect(estimate).toBeNull();
          else expect(estimate).toEqual({ intervalMs: days * DAY_MS, spreadMs: 0, basis: 'brand' });
        },
      ),
    );
  });

  it('learns from the household’s own orders once there are three', () => {
    fc.assert(
      fc.property(fc.array(gap, { minLength: 2, maxLength: 8 }), brandDefault, (gaps, days) => {
        expect(estimateRhythm(timesFrom(START, gaps), days)?.basis).toBe('household');
      }),
    );
  });

  it('is monotone: lengthening any gaps never shortens the usual interval', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(gap, fc.nat({ max: 100 * DAY_MS })), { minLength: 2, maxLength: 8 }),
        (pairs) => {
          const before = estimateRhythm(
            timesFrom(
              START,
              pairs.map(([g]) => g),
            ),
            null,
          );
          const after = estimateRhythm(
            timesFrom(
              START,
              pairs.map(([g, more]) => g + more),
            ),
            null,
          );
          expect(after?.intervalMs).toBeGreaterThanOrEqual(before?.intervalMs as number);
        },
      ),
    );
  });

  it('is robust to one outlier: one odd gap keeps the estimate within the other gaps', () => {
    fc.assert(
      fc.property(
        fc.array(gap, { minLength: 3, maxLength: 8 }),
        fc.nat(),
        fc.integer({ min: 1, max: 20 * 365 * DAY_MS }),
        (gaps, pick, outlier) => {
          const at = pick % gaps.length;
          const others = gaps.filter((_, i) => i !== at);
          const withOutlier = gaps.map((g, i) => (i === at ? outlier : g));
          const estimate = estimateRhythm(timesFrom(START, withOutlier), null) as {
            intervalMs: number;
          };
          expect(estimate.intervalMs).toBeGreaterThanOrEqual(Math.min(...others));
          expect(estimate.intervalMs).toBeLessThanOrEqual(Math.max(...others));
        },
      ),
    );
  });

  it('does not depend on the order in which order times are stored', () => {
    fc.assert(
      fc.property(
        fc.array(gap, { minLength: 2, maxLength: 8 }).chain((gaps) =>
          fc.tuple(
            fc.constant(timesFrom(START, gaps)),
            fc.shuffledSubarray(timesFrom(START, gaps), {
              minLength: gaps.length + 1,
            }),
          ),
        ),
        ([sorted, shuffled]) => {
          expect(estimateRhythm(shuffled, null)).toEqual(estimateRhythm(sorted, null));
          expect(gapsOf(shuffled)).toEqual(gapsOf(sorted));
        },
      ),
    );
  });
});
