/**
 * Welcome credit, on the in-memory table and on dynalite: the first delivered order of a
 * button carries the brand's credit as its discount — exactly once per button and per
 * household and SKU, whatever arrives twice or concurrently, and whoever claims the button next.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { creditHolder } from '../../../cloud/core/credits/welcome-credit.ts';
import { dynaliteFactory, memoryFactory, type StoreFactory } from '../../helpers/stores.ts';
import { BRAND } from '../../helpers/world.ts';
import { CREDIT, CreditWorld } from './credit-world.ts';

const DISCOUNT = { kind: 'WELCOME_CREDIT', amount: CREDIT, currency: 'EUR', campaign: null };

for (const factory of [memoryFactory, dynaliteFactory] as StoreFactory[]) {
  describe(`welcome credit (${factory.name})`, () => {
    let server: Awaited<ReturnType<StoreFactory['start']>>;
    beforeAll(async () => {
      server = await factory.start();
    });
    afterAll(async () => server.stop());

    async function open(): Promise<CreditWorld> {
      const w = new CreditWorld(await server.open());
      await w.setUp();
      return w;
    }

    it('50 concurrent duplicate presses and 50 concurrent delivery reports: one discounted order', async () => {
      const w = await open();
      await w.addButton('btn-1', 'hh-1');
      const device = w.device('btn-1');
      const event = device.event(device.sign('SINGLE', 1));
      const acks = await Promise.all(Array.from({ length: 50 }, () => w.world.handle(event)));
      const orderIds = new Set(acks.map((ack) => ack.orderId));
      expect([...orderIds]).toEqual(['btn-1-1']);
      await w.confirmAll();
      await w.ship('btn-1-1');
      const reports = await Promise.all(Array.from({ length: 50 }, () => w.deliver('btn-1-1')));
      for (const order of reports) expect(order.discount).toEqual(DISCOUNT);
      expect(await w.discounts()).toEqual({ 'btn-1-1': CREDIT });
      const stored = await w.store.orders.getOrder('btn-1-1');
      expect(stored?.status).toBe('DELIVERED');
      expect(stored?.discount).toEqual(DISCOUNT);
      await w.store.close();
    });

    it('orders of one button delivered concurrently: exactly one of them is discounted', async () => {
      const w = await open();
      await w.addButton('btn-1', 'hh-1', { maxOpenOrders: 5 });
      const ids: string[] = [];
      for (let i = 0; i < 5; i++) {
        const pressed = await w.device('btn-1').press('SINGLE');
        ids.push(pressed.orderId as string);
      }
      await w.confirmAll();
      for (const id of ids) await w.ship(id);
      await Promise.all(ids.flatMap((id) => [w.deliver(id), w.deliver(id)]));
      const discounts = Object.values(await w.discounts());
      expect(discounts).toHaveLength(5);
      expect(discounts.filter((d) => d !== null)).toEqual([CREDIT]);
      await w.store.close();
    });

    it('only the first delivered order gets it; later orders of the button pay in full', async () => {
      const w = await open();
      await w.addButton('btn-1', 'hh-1', { earlyReorderPct: 0 });
      expect((await w.orderDelivered('btn-1')).discount).toEqual(DISCOUNT);
      const second = await w.orderDelivered('btn-1');
      expect(second.discount ?? null).toBeNull();
      await w.store.close();
    });

    it('a re-claim by another household gets none; that household still gets it on a fresh button', async () => {
      const w = await open();
      await w.addButton('btn-1', 'hh-1');
      expect((await w.orderDelivered('btn-1')).discount).toEqual(DISCOUNT);
      // hh-1 gives the button away; hh-2 claims it.
      await w.store.api.buttons.releaseHousehold('btn-1', 'hh-1');
      expect(await w.store.api.buttons.assignHousehold('btn-1', 'hh-2')).toBe('assigned');
      const reclaimed = await w.orderDelivered('btn-1');
      expect(reclaimed.householdId).toBe('hh-2');
      expect(reclaimed.discount ?? null).toBeNull();
      // The button's credit is spent, not hh-2's: a fresh button of its own still carries one.
      await w.addButton('btn-2', 'hh-2');
      expect((await w.orderDelivered('btn-2')).discount).toEqual(DISCOUNT);
      await w.store.close();
    });

    it('a household gets one credit per SKU, not one per button it claims', async () => {
      const w = await open();
      await w.addButton('btn-1', 'hh-1');
      await w.addButton('btn-2', 'hh-1');
      await w.addButton('btn-3', 'hh-1', { skuId: 'tea', acceptedPriceCents: 699 });
      await w.credits.offer(BRAND, 'tea', { amount: 100, currency: 'EUR', campaign: 'tea-week' });
      expect((await w.orderDelivered('btn-1')).discount).toEqual(DISCOUNT);
      expect((await w.orderDelivered('btn-2')).discount ?? null).toBeNull();
      expect((await w.orderDelivered('btn-3')).discount).toEqual({
        kind: 'WELCOME_CREDIT',
        amount: 100,
        currency: 'EUR',
        campaign: 'tea-week',
      });
      await w.store.close();
    });

    it('an erased household leaves only a pseudonym, which still blocks a second credit', async () => {
      const w = await open();
      await w.addButton('btn-1', 'hh-1');
      expect((await w.orderDelivered('btn-1')).discount).toEqual(DISCOUNT);
      // Erasure as the account does it: orders anonymised, buttons released.
      await w.store.orders.anonymiseHouseholdOrders('hh-1', 'anon-1');
      await w.store.api.buttons.releaseHousehold('btn-1', 'hh-1');
      const ledger = JSON.stringify(
        (await w.store.snapshot()).filter((item) => /credit/i.test(JSON.stringify(item))),
      );
      expect(ledger).not.toContain('hh-1');
      expect(ledger).toContain(creditHolder('hh-1'));
      // The button goes to hh-2: the button's entry still refuses it.
      await w.store.api.buttons.assignHousehold('btn-1', 'hh-2');
      expect((await w.orderDelivered('btn-1')).discount ?? null).toBeNull();
      // The same person signs up again under the same id with a new button: none either.
      await w.addButton('btn-2', 'hh-1');
      expect((await w.orderDelivered('btn-2')).discount ?? null).toBeNull();
      await w.store.close();
    });

    it('no offer, a withdrawn offer or another currency: no discount and nothing in the ledger', async () => {
      const w = await open();
      await w.credits.withdraw(BRAND, 'coffee');
      await w.addButton('btn-1', 'hh-1');
      expect((await w.orderDelivered('btn-1')).discount ?? null).toBeNull();
      expect(
        await w.store.api.credits.ledgerEntry({ kind: 'button', deviceId: 'btn-1' }),
      ).toBeNull();
      await expect(
        w.credits.offer(BRAND, 'coffee', { amount: 100, currency: 'USD' }),
      ).rejects.toMatchObject({ code: 'CURRENCY_MISMATCH' });
      await expect(
        w.credits.offer(BRAND, 'nope', { amount: 100, currency: 'EUR' }),
      ).rejects.toMatchObject({ code: 'NOT_FOUND' });
      await w.store.close();
    });

    it('the credit never exceeds the order’s value', async () => {
      const w = await open();
      await w.credits.offer(BRAND, 'coffee', { amount: 5000, currency: 'EUR' });
      await w.addButton('btn-1', 'hh-1', { quantity: 2 });
      expect((await w.orderDelivered('btn-1')).discount?.amount).toBe(2 * 1299);
      await w.store.close();
    });
  });
}
