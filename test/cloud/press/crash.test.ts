/**
 * Crash injection: for every store call k of a press, the handler dies at k (before the call,
 * or after it with the response lost); the retry must end with the crash-free outcome and
 * exactly one order. A crash after the commit point (the ack is out, so no retry comes) must
 * leave the order readable at once and the owed writes to the repair, done once.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { OrderStore } from '../../../cloud/core/orders/order-store.ts';
import type { PressStore } from '../../../cloud/core/press/press-store.ts';
import { CrashSwitch } from '../../helpers/crashing-store.ts';
import { dynaliteFactory, memoryFactory, type StoreFactory } from '../../helpers/stores.ts';
import { button, sku, World } from '../../helpers/world.ts';

type Scenario = {
  name: string;
  /** Presses made before the one under test. */
  setup: ('SINGLE' | 'LONG')[];
  click: 'SINGLE' | 'DOUBLE' | 'LONG';
};

const SCENARIOS: Scenario[] = [
  { name: 'an ordering press', setup: [], click: 'SINGLE' },
  { name: 'a press while an order is open', setup: ['SINGLE'], click: 'SINGLE' },
  { name: 'a LONG press that cancels', setup: ['SINGLE'], click: 'LONG' },
];

for (const factory of [memoryFactory, dynaliteFactory] as StoreFactory[]) {
  describe(`crash at every store call (${factory.name})`, () => {
    let server: Awaited<ReturnType<StoreFactory['start']>>;
    beforeAll(async () => {
      server = await factory.start();
    });
    afterAll(async () => server.stop());

    async function worldWithCrashes(crashes: CrashSwitch) {
      const store = await server.open();
      await store.putSku(sku());
      await store.putButton(button('btn-1'));
      const wrapped = {
        ...store,
        press: crashes.wrap<PressStore>(store.press),
        orders: crashes.wrap<OrderStore>(store.orders),
      };
      return { store, world: new World(wrapped) };
    }

    for (const scenario of SCENARIOS) {
      it(`${scenario.name}: retries after any crash end like the crash-free run`, async () => {
        const reference = new CrashSwitch();
        const clean = await worldWithCrashes(reference);
        const cleanDevice = clean.world.device('btn-1');
        for (const click of scenario.setup) await cleanDevice.press(click);
        reference.arm(0, 'before');
        const expected = await cleanDevice.press(scenario.click);
        const callsPerPress = reference.calls;
        const expectedOrders = await clean.store.orders.listHouseholdOrders('hh-1', { limit: 50 });
        await clean.store.close();
        expect(callsPerPress).toBeGreaterThan(1);

        for (const mode of ['before', 'after'] as const) {
          for (let k = 1; k <= callsPerPress; k++) {
            const crashes = new CrashSwitch();
            const { store, world } = await worldWithCrashes(crashes);
            const device = world.device('btn-1');
            for (const click of scenario.setup) await device.press(click);
            crashes.arm(k, mode);
            await expect(device.press(scenario.click), `crash ${mode} call ${k}`).rejects.toThrow(
              /injected crash/,
            );
            crashes.disarm();
            const retried = await device.resend(device.seq, 2);
            expect(
              { outcome: retried.outcome, orderId: retried.orderId, ack: retried.ack },
              `crash ${mode} call ${k}`,
            ).toEqual({ outcome: expected.outcome, orderId: expected.orderId, ack: expected.ack });
            const orders = await store.orders.listHouseholdOrders('hh-1', { limit: 50 });
            expect(
              orders.items.map((o) => [o.orderId, o.status]),
              `crash ${mode} call ${k}`,
            ).toEqual(expectedOrders.items.map((o) => [o.orderId, o.status]));
            await store.close();
          }
        }
      });
    }

    for (const scenario of SCENARIOS) {
      it(`${scenario.name}: a crash after the ack leaves the press to the repair, done once`, async () => {
        const reference = new CrashSwitch();
        const clean = await worldWithCrashes(reference);
        const cleanDevice = clean.world.device('btn-1');
        for (const click of scenario.setup) await cleanDevice.press(click);
        reference.arm(0, 'before');
        const expected = await cleanDevice.press(scenario.click);
        const callsPerPress = reference.calls;
        const expectedOrders = await clean.store.orders.listHouseholdOrders('hh-1', { limit: 50 });
        const expectedOrder = expected.orderId
          ? await clean.store.orders.getOrder(expected.orderId)
          : null;
        const expectedEvents = clean.world.events.map((e) => [e.type, e.orderId]);
        await clean.store.close();

        let crashesAfterAck = 0;
        for (const mode of ['before', 'after'] as const) {
          for (let k = 1; k <= callsPerPress; k++) {
            const crashes = new CrashSwitch();
            const { store, world } = await worldWithCrashes(crashes);
            const device = world.device('btn-1');
            for (const click of scenario.setup) await device.press(click);
            const acksBefore = world.acks.length;
            crashes.arm(k, mode);
            await expect(device.press(scenario.click), `crash ${mode} call ${k}`).rejects.toThrow(
              /injected crash/,
            );
            crashes.disarm();
            if (world.acks.length === acksBefore) {
              await store.close();
              continue;
            }
            crashesAfterAck++;
            expect(world.acks.at(-1)?.ack, `crash ${mode} call ${k}`).toEqual(expected.ack);
            if (expected.orderId) {
              expect(
                await store.orders.getOrder(expected.orderId),
                `crash ${mode} call ${k}`,
              ).toEqual(expectedOrder);
            }
            await world.service.finishCommitted('btn-1');
            expect(await world.service.finishCommitted('btn-1'), `crash ${mode} call ${k}`).toBe(0);
            await world.drain();
            const orders = await store.orders.listHouseholdOrders('hh-1', { limit: 50 });
            expect(
              orders.items.map((o) => [o.orderId, o.status]),
              `crash ${mode} call ${k}`,
            ).toEqual(expectedOrders.items.map((o) => [o.orderId, o.status]));
            expect(
              world.events.map((e) => [e.type, e.orderId]),
              `crash ${mode} call ${k}`,
            ).toEqual(expectedEvents);
            const late = await device.resend(device.seq, 2);
            expect(late.ack, `crash ${mode} call ${k}`).toEqual(expected.ack);
            await store.close();
          }
        }
        if (scenario.click === 'SINGLE') expect(crashesAfterAck).toBeGreaterThan(0);
      });
    }

    it('an order whose item has not followed its ack yet is read, listed and can be cancelled; the item is written once', async () => {
      const crashes = new CrashSwitch();
      const { store, world } = await worldWithCrashes(crashes);
      const device = world.device('btn-1');
      // The third call of an ordering press is the order item's put, after the ack.
      crashes.arm(3, 'before');
      await expect(device.press('SINGLE')).rejects.toThrow(/injected crash/);
      crashes.disarm();
      expect(world.acks).toHaveLength(1);
      expect(await store.orders.getOrder('btn-1-1')).toMatchObject({ status: 'PLACED' });
      const listed = await store.orders.listHouseholdOrders('hh-1', { limit: 50 });
      expect(listed.items.map((o) => [o.orderId, o.status])).toEqual([['btn-1-1', 'PLACED']]);
      await world.orders.cancel('btn-1-1', { kind: 'household', id: 'hh-1' }, 'changed my mind');
      expect(await store.orders.getOrder('btn-1-1')).toMatchObject({ status: 'CANCELLED' });
      expect(await world.service.finishCommitted('btn-1')).toBe(0);
      await world.drain();
      expect(world.events.map((e) => e.type)).toEqual(['OrderPlaced', 'OrderCancelled']);
      const orders = await store.orders.listHouseholdOrders('hh-1', { limit: 50 });
      expect(orders.items.map((o) => [o.orderId, o.status])).toEqual([['btn-1-1', 'CANCELLED']]);
      const late = await device.resend(1, 2);
      expect({ outcome: late.outcome, orderId: late.orderId }).toEqual({
        outcome: 'ORDERED',
        orderId: 'btn-1-1',
      });
      await store.close();
    });
  });
}
