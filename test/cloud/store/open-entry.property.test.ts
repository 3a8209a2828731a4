/**
 * The button's open orders in their compact form: every order reads back exactly as it was
 * written (the fields the button holds — device, household, brand — come from the button), and
 * an entry the previous version wrote (a whole order) reads back unchanged.
 */
import fc from 'fast-check';
import { expect, it } from 'vitest';
import { GUARD_REASONS, ORDER_STATUSES, type Order } from '../../../cloud/core/model.ts';
import { fromOpenEntry, toOpenEntry } from '../../../cloud/store/dynamo/button-item.ts';

const BUTTON = { deviceId: 'btn-7', householdId: 'hh-1', brandId: 'acme' };
const time = fc.integer({ min: 1_700_000_000_000, max: 1_900_000_000_000 });

const order: fc.Arbitrary<Order> = fc
  .record({
    seq: fc.integer({ min: 1, max: 2 ** 31 }),
    status: fc.constantFrom(...ORDER_STATUSES),
    skuId: fc.string({ minLength: 1 }),
    skuName: fc.string(),
    quantity: fc.integer({ min: 1, max: 99 }),
    unitPriceCents: fc.nat(),
    currency: fc.constantFrom('EUR', 'USD'),
    acceptedPriceCents: fc.option(fc.nat(), { nil: null }),
    placedAt: time,
    cancelWindowMinutes: fc.nat({ max: 1440 }),
    wait: fc.nat({ max: 2 * 86_400_000 }),
    /** Past the first transition: support, a reason, a later step. */
    history: fc.option(
      fc.array(
        fc.record(
          {
            status: fc.constantFrom(...ORDER_STATUSES),
            at: time,
            actor: fc.record({
              kind: fc.constantFrom('device' as const, 'household' as const, 'support' as const),
              id: fc.string({ minLength: 1 }),
            }),
            reason: fc.string(),
          },
          { requiredKeys: ['status', 'at', 'actor'] },
        ),
        { minLength: 1, maxLength: 3 },
      ),
      { nil: null },
    ),
    guard: fc.option(
      fc.record({
        reason: fc.constantFrom(...GUARD_REASONS),
        usualIntervalDays: fc.option(fc.nat(), { nil: null }),
        daysSinceLast: fc.option(fc.nat(), { nil: null }),
      }),
      { nil: null },
    ),
    press: fc.option(
      fc.record(
        { batteryMv: fc.nat({ max: 4000 }), keyVersion: fc.nat(), firmware: fc.nat() },
        { requiredKeys: ['batteryMv', 'keyVersion'] },
      ),
      { nil: null },
    ),
    test: fc.boolean(),
  })
  .map(({ wait, test, history, ...o }) => ({
    ...o,
    orderId: `${BUTTON.deviceId}-${o.seq}`,
    deviceId: BUTTON.deviceId,
    householdId: BUTTON.householdId,
    brandId: BUTTON.brandId,
    cancelDeadline: o.placedAt + wait,
    history: history ?? [
      { status: o.status, at: o.placedAt, actor: { kind: 'device', id: BUTTON.deviceId } },
    ],
    ...(test ? { test: true } : {}),
  }));

it('an open order reads back exactly as written, in the compact form or the previous one', () => {
  fc.assert(
    fc.property(order, (written) => {
      const entry = toOpenEntry(written);
      expect(entry).not.toHaveProperty('orderId');
      expect(fromOpenEntry(structuredClone(entry), BUTTON)).toEqual(written);
      expect(fromOpenEntry(structuredClone(written), BUTTON)).toEqual(written);
    }),
    { numRuns: 500 },
  );
});
