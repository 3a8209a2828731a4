/**
 * The guard's promises, for any settings, rhythm and time: the child lock's "disabled" wins;
 * a press seconds after an order is the same intent; an early press is held only when the
 * household learns its rhythm and has one; earlier is never less suspicious than later; quiet
 * hours follow the household's wall clock east and west of UTC.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { BURST_WINDOW_MS, type GuardInput, guardPress } from '../../../cloud/core/guard/guard.ts';
import { DAY_MS, estimateRhythm } from '../../../cloud/core/guard/rhythm.ts';
import { CHILD_LOCKS, DEFAULT_SETTINGS, type Order } from '../../../cloud/core/model.ts';
import { timesFrom } from '../../helpers/arbitraries.ts';

const START = Date.UTC(2025, 0, 1);

const clock = fc
  .tuple(fc.integer({ min: 0, max: 23 }), fc.integer({ min: 0, max: 59 }))
  .map(([h, m]) => `${String(h).padStart(2, '0')}:${String(m).padStart(2, '0')}`);

const orderTimes = fc
  .array(fc.integer({ min: DAY_MS, max: 90 * DAY_MS }), { maxLength: 8 })
  .map((gaps) => timesFrom(START, gaps));

const input: fc.Arbitrary<GuardInput> = fc
  .record({
    settings: fc.record({
      ...Object.fromEntries(Object.entries(DEFAULT_SETTINGS).map(([k, v]) => [k, fc.constant(v)])),
      childLock: fc.constantFrom(...CHILD_LOCKS),
      quietHours: fc.option(fc.record({ from: clock, to: clock }), { nil: null }),
      timeZone: fc.constantFrom('UTC', 'Europe/Paris', 'America/New_York', 'Asia/Tokyo'),
      earlyReorderPct: fc.integer({ min: 0, max: 100 }),
      learnRhythm: fc.boolean(),
    }) as fc.Arbitrary<GuardInput['settings']>,
    skuId: fc.constant('coffee'),
    rhythm: fc.record({
      orderedAt: orderTimes,
      lastCancelledAt: fc.constant(null),
    }),
    brandDefaultDays: fc.option(fc.integer({ min: 1, max: 90 }), { nil: null }),
    open: fc.constant([] as Order[]),
    now: fc.integer({ min: 0, max: 400 * DAY_MS }),
  })
  .map((i) => ({ ...i, now: (i.rhythm.orderedAt.at(-1) as number) + i.now }));

/** Only the rhythm may hold the press: no lock, no quiet hours. */
const rhythmOnly = input.map((i) => ({
  ...i,
  settings: { ...i.settings, childLock: 'off' as const, quietHours: null },
}));

const isEarly = (i: GuardInput) => {
  const verdict = guardPress(i);
  return verdict.kind === 'confirm' && verdict.guard.reason === 'EARLY_REORDER';
};

describe('accidental-order guard', () => {
  it('refuses every press while the child lock disables the button', () => {
    fc.assert(
      fc.property(input, (i) => {
        const locked = { ...i, settings: { ...i.settings, childLock: 'disabled' as const } };
        expect(guardPress(locked)).toEqual({ kind: 'disabled' });
      }),
    );
  });

  it('treats a press within seconds of an open order as the same intent', () => {
    fc.assert(
      fc.property(input, fc.nat({ max: BURST_WINDOW_MS - 1 }), (i, ago) => {
        fc.pre(i.settings.childLock !== 'disabled');
        const placedAt = i.now - ago;
        const open = [{ orderId: 'b-1', placedAt, skuId: 'coffee', status: 'PLACED' } as Order];
        expect(guardPress({ ...i, open })).toEqual({
          kind: 'burst',
          repeats: { orderId: 'b-1', placedAt },
        });
      }),
    );
  });

  it('never holds a press as early when learning is off', () => {
    fc.assert(
      fc.property(rhythmOnly, (i) => {
        expect(isEarly({ ...i, settings: { ...i.settings, learnRhythm: false } })).toBe(false);
      }),
    );
  });

  it('holds a press as early exactly when it comes before the threshold of a known rhythm', () => {
    fc.assert(
      fc.property(rhythmOnly, (i) => {
        const estimate = estimateRhythm(i.rhythm?.orderedAt ?? [], i.brandDefaultDays);
        const last = i.rhythm?.orderedAt.at(-1) as number;
        const expected =
          i.settings.learnRhythm &&
          estimate !== null &&
          i.now - last < (estimate.intervalMs * i.settings.earlyReorderPct) / 100;
        expect(isEarly(i)).toBe(expected);
      }),
    );
  });

  it('never finds a later press more suspicious than an earlier one', () => {
    fc.assert(
      fc.property(rhythmOnly, fc.nat({ max: 60 * DAY_MS }), (i, later) => {
        if (isEarly({ ...i, now: i.now + later })) expect(isEarly(i)).toBe(true);
      }),
    );
  });

  it('follows quiet hours on the household’s wall clock, east and west of UTC', () => {
    // Etc/GMT-5 is UTC+5 (east); Etc/GMT+8 is UTC-8 (west): POSIX signs are inverted.
    const zones = [
      { timeZone: 'Etc/GMT-5', offsetMinutes: 300 },
      { timeZone: 'Etc/GMT+8', offsetMinutes: -480 },
      { timeZone: 'UTC', offsetMinutes: 0 },
    ];
    fc.assert(
      fc.property(rhythmOnly, fc.constantFrom(...zones), clock, clock, (i, zone, from, to) => {
        const settings = { ...i.settings, quietHours: { from, to }, timeZone: zone.timeZone };
        const verdict = guardPress({ ...i, settings });
        const utcMinute = Math.floor(i.now / 60_000) % 1440;
        const local = (utcMinute + zone.offsetMinutes + 1440) % 1440;
        const minutes = (t: string) => Number(t.slice(0, 2)) * 60 + Number(t.slice(3));
        const [a, b] = [minutes(from), minutes(to)];
        const inside = a <= b ? local >= a && local < b : local >= a || local < b;
        expect(verdict.kind === 'confirm' && verdict.guard.reason === 'QUIET_HOURS').toBe(inside);
      }),
    );
  });
});
