/**
 * Crash injection on the delivery that grants a welcome credit: for every store call k of the
 * brand's delivery report, the handler dies at k (before the call, or after it with the
 * response lost); the retried report must end as the crash-free run does — the order
 * delivered with the credit exactly when it is due, the ledger naming that order — and the
 * button's next order must pay in full.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CreditStore } from '../../../cloud/core/credits/credit-store.ts';
import { creditHolder } from '../../../cloud/core/credits/welcome-credit.ts';
import type { OrderStore } from '../../../cloud/core/orders/order-store.ts';
import { CrashSwitch } from '../../helpers/crashing-store.ts';
import { dynaliteFactory, memoryFactory, type StoreFactory } from '../../helpers/stores.ts';
import { BRAND } from '../../helpers/world.ts';
import { CreditWorld } from './credit-world.ts';

type Scenario = {
  name: string;
  /** Everything up to the delivery report under test; returns the order it reports. */
  setup(w: CreditWorld): Promise<string>;
  /** The household whose order is reported. */
  household: string;
  discounted: boolean;
};

const SCENARIOS: Scenario[] = [
  {
    name: 'a first delivery (credit granted)',
    household: 'hh-1',
    discounted: true,
    async setup(w) {
      await w.addButton('btn-1', 'hh-1', { earlyReorderPct: 0 });
      const orderId = await w.orderConfirmed('btn-1');
      await w.ship(orderId);
      return orderId;
    },
  },
  {
    name: 'a re-claimed button (the household’s entry is given back)',
    household: 'hh-2',
    discounted: false,
    async setup(w) {
      await w.addButton('btn-1', 'hh-1', { earlyReorderPct: 0 });
      await w.orderDelivered('btn-1');
      await w.store.api.buttons.releaseHousehold('btn-1', 'hh-1');
      await w.store.api.buttons.assignHousehold('btn-1', 'hh-2');
      await w.store.api.buttons.patchSettings('btn-1', 'any', { earlyReorderPct: 0 });
      const orderId = await w.orderConfirmed('btn-1');
      await w.ship(orderId);
      return orderId;
    },
  },
];

for (const factory of [memoryFactory, dynaliteFactory] as StoreFactory[]) {
  describe(`welcome credit: crash at every store call (${factory.name})`, () => {
    let server: Awaited<ReturnType<StoreFactory['start']>>;
    beforeAll(async () => {
      server = await factory.start();
    });
    afterAll(async () => server.stop());

    async function worldWithCrashes(crashes: CrashSwitch): Promise<CreditWorld> {
      const store = await server.open();
      const orders = crashes.wrap<OrderStore>(store.orders);
      const w = new CreditWorld({
        ...store,
        orders,
        api: { ...store.api, orders, credits: crashes.wrap<CreditStore>(store.api.credits) },
      });
      await w.setUp();
      return w;
    }

    /** What a run ends with: the order, the ledger, and whether the button orders at full price next. */
    async function outcome(w: CreditWorld, orderId: string, household: string) {
      const order = await w.store.orders.getOrder(orderId);
      const ledger = w.store.api.credits;
      return {
        status: order?.status,
        discount: order?.discount ?? null,
        buttonEntry: await ledger.ledgerEntry({ kind: 'button', deviceId: 'btn-1' }),
        householdEntry: await ledger.ledgerEntry({
          kind: 'holder',
          holder: creditHolder(household),
          brandId: BRAND,
          skuId: 'coffee',
        }),
        next: (await w.orderDelivered('btn-1')).discount ?? null,
      };
    }

    for (const scenario of SCENARIOS) {
      it(`${scenario.name}: a retried report after any crash ends like the crash-free one`, async () => {
        const reference = new CrashSwitch();
        const clean = await worldWithCrashes(reference);
        const cleanOrder = await scenario.setup(clean);
        reference.arm(0, 'before');
        await clean.deliver(cleanOrder);
        const callsPerReport = reference.calls;
        const expected = await outcome(clean, cleanOrder, scenario.household);
        await clean.store.close();
        expect(callsPerReport).toBeGreaterThan(3);
        expect(expected.discount !== null).toBe(scenario.discounted);
        expect(expected.next).toBeNull();

        for (const mode of ['before', 'after'] as const) {
          for (let k = 1; k <= callsPerReport; k++) {
            const crashes = new CrashSwitch();
            const w = await worldWithCrashes(crashes);
            const orderId = await scenario.setup(w);
            crashes.arm(k, mode);
            await expect(w.deliver(orderId), `crash ${mode} call ${k}`).rejects.toThrow(
              /injected crash/,
            );
            crashes.disarm();
            const retried = await w.deliver(orderId);
            expect(retried.discount ?? null, `crash ${mode} call ${k}`).toEqual(expected.discount);
            expect(
              await outcome(w, orderId, scenario.household),
              `crash ${mode} call ${k}`,
            ).toEqual(expected);
            await w.store.close();
          }
        }
      });
    }
  });
}
