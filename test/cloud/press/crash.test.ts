/**
 * Crash injection: for every store call k of a press, the handler dies at k (before the call,
 * or after it with the response lost); the retry must end with the crash-free outcome and
 * exactly one order. A crash after the commit point (the ack is out, so no retry comes) must
 * leave the order readable at once and the owed writes to the commit relay, done once — and the
 * relay itself may die at any of its writes, from either source (the store's marks on one
 * machine, a stream record in AWS): run again, it leaves one order item, one notification per
 * event and every press in the log.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HouseholdNotifier } from '../../../cloud/core/notifications/notify.ts';
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

    async function worldWithCrashes(crashes: CrashSwitch, drain = true) {
      const store = await server.open();
      await store.putSku(sku());
      await store.putButton(button('btn-1'));
      const wrapped = {
        ...store,
        press: crashes.wrap<PressStore>(store.press),
        orders: crashes.wrap<OrderStore>(store.orders),
      };
      const sinks = [new HouseholdNotifier(store.api.notifications)];
      return { store, world: new World(wrapped, { drain, sinks }) };
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
            // The next drain (in AWS: the stream's retry) writes what the crash left owed, once.
            await world.drain();
            expect(await world.commits.drain(store.commits), `crash ${mode} call ${k}`).toBe(0);
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

    for (const scenario of SCENARIOS) {
      for (const source of ['marks', 'stream'] as const) {
        it(`${scenario.name}: the commit relay (${source}) dies at any call; run again, it leaves one item, one notification per event, no press lost`, async () => {
          /** Presses the scenario, then relays its last press with a crash at relay call k. */
          async function run(k: number, mode: 'before' | 'after') {
            const crashes = new CrashSwitch();
            const { store, world } = await worldWithCrashes(crashes, false);
            const device = world.device('btn-1');
            for (const click of scenario.setup) {
              await device.press(click);
              await world.drain();
            }
            const before = (await store.press.loadContext('btn-1')).button;
            const answer = await device.press(scenario.click);
            const after = (await store.press.loadContext('btn-1')).button;
            if (!before || !after) throw new Error('btn-1 missing');
            // The same stream record or marks, delivered again after a crash.
            const relay = () =>
              source === 'marks'
                ? world.commits.drain(crashes.wrap(store.commits))
                : world.commits.publish([{ button: after, since: before.highWaterMark }]);
            crashes.arm(k, mode);
            const crashed = await relay().then(
              () => false,
              (error: unknown) => {
                expect(String(error), `crash ${mode} call ${k}`).toMatch(/injected crash/);
                return true;
              },
            );
            const relayCalls = crashes.calls;
            crashes.disarm();
            if (crashed) await relay();
            // What the relay alone wrote: every press of the button has its item.
            const log = await store.orders.pressLog('btn-1', { limit: 50 });
            const logged = log.items.map((e) => [e.seq, e.outcome, e.orderId]);
            await world.drain();
            const orders = await store.orders.listHouseholdOrders('hh-1', { limit: 50 });
            const notes = await store.api.notifications.listNotifications('hh-1', { limit: 50 });
            const result = {
              answer: [answer.outcome, answer.orderId],
              logged,
              orders: orders.items.map((o) => [o.orderId, o.status]),
              events: world.events.map((e) => e.eventId),
              notifications: notes.items.map((n) => n.notificationId).sort(),
            };
            await store.close();
            return { result, relayCalls, crashed };
          }

          const reference = await run(0, 'before');
          expect(reference.result.logged.map(([seq]) => seq)).toEqual(
            Array.from(
              { length: scenario.setup.length + 1 },
              (_, i) => scenario.setup.length + 1 - i,
            ),
          );
          expect(reference.result.notifications).toEqual([...reference.result.events].sort());
          expect(reference.relayCalls).toBeGreaterThan(0);
          for (const mode of ['before', 'after'] as const) {
            for (let k = 1; k <= reference.relayCalls; k++) {
              const crashedRun = await run(k, mode);
              expect(crashedRun.crashed, `crash ${mode} call ${k}`).toBe(true);
              expect(crashedRun.result, `crash ${mode} call ${k}`).toEqual(reference.result);
            }
          }
        });
      }
    }

    it('an order whose item has not followed its ack yet is read, listed and can be cancelled; the item is written once', async () => {
      const crashes = new CrashSwitch();
      const { store, world } = await worldWithCrashes(crashes);
      const device = world.device('btn-1');
      // The third call of an ordering press is the commit relay's put of the order item.
      crashes.arm(3, 'before');
      await expect(device.press('SINGLE')).rejects.toThrow(/injected crash/);
      crashes.disarm();
      expect(world.acks).toHaveLength(1);
      expect(await store.orders.getOrder('btn-1-1')).toMatchObject({ status: 'PLACED' });
      const listed = await store.orders.listHouseholdOrders('hh-1', { limit: 50 });
      expect(listed.items.map((o) => [o.orderId, o.status])).toEqual([['btn-1-1', 'PLACED']]);
      await world.orders.cancel('btn-1-1', { kind: 'household', id: 'hh-1' }, 'changed my mind');
      expect(await store.orders.getOrder('btn-1-1')).toMatchObject({ status: 'CANCELLED' });
      expect(await world.commits.drain(store.commits)).toBe(0);
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
