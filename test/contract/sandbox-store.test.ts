/**
 * The SandboxStore contract on every store: test orders listed apart (newest first, paged) and
 * never in a brand's status list; the reset's release frees only test orders' slots and keeps
 * the high-water mark; only test orders can be deleted.
 */
import { expect, it } from 'vitest';
import { describeOnEveryStore, type StoreUnderTest } from '../helpers/stores.ts';
import { button, sku, World } from '../helpers/world.ts';

async function pressed(store: StoreUnderTest) {
  const world = new World(store);
  await store.putSku(sku());
  await store.putButton({
    ...button('btn-t', { maxOpenOrders: 5, burstWindowSeconds: 0 }),
    test: true,
  });
  await store.putButton(button('btn-r', { burstWindowSeconds: 0 }));
  const test = world.device('btn-t');
  for (let i = 0; i < 3; i++) {
    world.clock.advance(1000);
    expect((await test.press('SINGLE')).outcome).toBe('ORDERED');
  }
  expect((await world.device('btn-r').press('SINGLE')).outcome).toBe('ORDERED');
  return world;
}

describeOnEveryStore('SandboxStore', (open) => {
  it('lists test orders apart, newest first, and keeps them out of the status lists', async () => {
    const store = await open();
    const world = await pressed(store);
    const household = { kind: 'household', id: 'hh-1' } as const;
    await world.orders.cancel('btn-r-1', household);
    await world.orders.cancel('btn-t-1', household);
    const first = await store.api.sandbox.listTestOrders('acme', { limit: 2 });
    expect(first.items.map((o) => [o.orderId, o.test])).toEqual([
      ['btn-t-3', true],
      ['btn-t-2', true],
    ]);
    const rest = await store.api.sandbox.listTestOrders('acme', { limit: 2, cursor: first.cursor });
    expect(rest.items.map((o) => o.orderId)).toEqual(['btn-t-1']);
    expect(rest.cursor).toBeUndefined();
    const cancelled = await store.orders.listBrandOrders('acme', 'CANCELLED', { limit: 50 });
    expect(cancelled.items.map((o) => o.orderId)).toEqual(['btn-r-1']);
    expect(cancelled.items[0]?.test).toBeUndefined();
    expect((await store.api.sandbox.listTestOrders('globex', { limit: 10 })).items).toEqual([]);
  });

  it('frees only the slots of test orders, keeping the high-water mark', async () => {
    const store = await open();
    await pressed(store);
    await store.api.sandbox.releaseTestSlots('btn-t');
    await store.api.sandbox.releaseTestSlots('btn-r');
    const test = await store.api.buttons.getButton('btn-t');
    expect([test?.open.length, test?.highWaterMark]).toEqual([0, 3]);
    const real = await store.api.buttons.getButton('btn-r');
    expect(real?.open.map((o) => o.orderId)).toEqual(['btn-r-1']);
  });

  it('deletes test orders only', async () => {
    const store = await open();
    await pressed(store);
    // As the reset does: slots first (an order still on its button is still the button's).
    await store.api.sandbox.releaseTestSlots('btn-t');
    expect(await store.api.sandbox.deleteTestOrder('btn-r-1')).toBe(false);
    expect(await store.api.sandbox.deleteTestOrder('btn-t-1')).toBe(true);
    expect(await store.api.sandbox.deleteTestOrder('btn-t-1')).toBe(false);
    expect(await store.orders.getOrder('btn-t-1')).toBeNull();
    expect(await store.orders.getOrder('btn-r-1')).not.toBeNull();
  });

  it('marks a button as a test button only for its own brand', async () => {
    const store = await open();
    await store.putButton(button('btn-r'));
    expect(await store.api.buttons.markTest('btn-r', 'globex', true)).toBe(false);
    expect(await store.api.buttons.markTest('btn-r', 'acme', true)).toBe(true);
    expect((await store.api.buttons.getButton('btn-r'))?.test).toBe(true);
    expect(await store.api.buttons.markTest('btn-r', 'acme', false)).toBe(true);
    expect((await store.api.buttons.getButton('btn-r'))?.test).toBeUndefined();
  });
});
