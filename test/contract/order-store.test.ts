/**
 * The OrderStore contract, and the single table the ports share: a button item written by the
 * API, claimed by the press path and released by the order lifecycle is one item on every
 * store (memory, dynalite, DynamoDB Local).
 */
import { expect, it } from 'vitest';
import type { OrderTimer } from '../../cloud/core/events/order-timers.ts';
import { BURST_WINDOW_MS } from '../../cloud/core/guard/guard.ts';
import type { Order } from '../../cloud/core/model.ts';
import { describeOnEveryStore, type StoreUnderTest } from '../helpers/stores.ts';
import { BRAND, button, START, sku, World } from '../helpers/world.ts';

const MINUTE = 60_000;
const DAY = 24 * 60 * MINUTE;

async function worldWith(open: () => Promise<StoreUnderTest>) {
  const store = await open();
  await store.putSku(sku());
  return { store, world: new World(store) };
}

/** One order per button, a minute apart, so each has its own placedAt and deadline. */
async function ordersFrom(world: World, store: StoreUnderTest, ids: string[]): Promise<Order[]> {
  const orders: Order[] = [];
  for (const id of ids) {
    await store.putButton(button(id));
    const result = await world.device(id).press();
    const order = await store.orders.getOrder(result.orderId ?? '');
    if (!order) throw new Error(`no order from ${id}`);
    orders.push(order);
    world.clock.advance(MINUTE);
  }
  return orders;
}

const cancelled = (order: Order, at: number): Order => ({
  ...order,
  status: 'CANCELLED',
  history: [...order.history, { status: 'CANCELLED', at, actor: { kind: 'support', id: 's' } }],
});

describeOnEveryStore('OrderStore', (open) => {
  it('reads an order by id; an unknown or malformed id is null', async () => {
    const { store, world } = await worldWith(open);
    const [order] = await ordersFrom(world, store, ['btn-1']);
    expect(await store.orders.getOrder('btn-1-1')).toEqual(order);
    expect(await store.orders.getOrder('btn-1-2')).toBeNull();
    expect(await store.orders.getOrder('not an order id')).toBeNull();
  });

  it('pages a household’s orders newest first, with every order still in its first status on the first page', async () => {
    const { store, world } = await worldWith(open);
    const [waiting, ...moved] = await ordersFrom(world, store, [
      'btn-0',
      'btn-1',
      'btn-2',
      'btn-3',
    ]);
    for (const order of moved) {
      expect(await store.orders.saveTransition(cancelled(order, world.clock.now()), 'PLACED')).toBe(
        true,
      );
    }
    const first = await store.orders.listHouseholdOrders('hh-1', { limit: 2 });
    // The oldest order is still PLACED: on the first page beside the page the limit asked for.
    expect(first.items.map((o) => [o.orderId, o.status])).toEqual([
      ['btn-3-1', 'CANCELLED'],
      ['btn-2-1', 'CANCELLED'],
      [waiting?.orderId, 'PLACED'],
    ]);
    const rest = await store.orders.listHouseholdOrders('hh-1', {
      limit: 2,
      cursor: first.cursor,
    });
    expect(rest.items.map((o) => o.orderId)).toEqual(['btn-1-1']);
    expect(rest.cursor).toBeUndefined();
    expect((await store.orders.listHouseholdOrders('hh-2', { limit: 5 })).items).toEqual([]);
  });

  it('lists a brand’s orders in one status, oldest first by when they entered it', async () => {
    const { store, world } = await worldWith(open);
    const [a, b] = await ordersFrom(world, store, ['btn-1', 'btn-2']);
    if (!a || !b) throw new Error('two orders expected');
    // b is cancelled first, a later: the CANCELLED list follows the cancel times.
    expect(await store.orders.saveTransition(cancelled(b, START + 5 * MINUTE), 'PLACED')).toBe(
      true,
    );
    expect(await store.orders.saveTransition(cancelled(a, START + 6 * MINUTE), 'PLACED')).toBe(
      true,
    );
    const feed = await store.orders.listBrandOrders(BRAND, 'CANCELLED', { limit: 5 });
    expect(feed.items.map((o) => o.orderId)).toEqual(['btn-2-1', 'btn-1-1']);
    expect((await store.orders.listBrandOrders(BRAND, 'PLACED', { limit: 5 })).items).toEqual([]);
    expect((await store.orders.listBrandOrders('globex', 'CANCELLED', { limit: 5 })).items).toEqual(
      [],
    );
  });

  it('saves a transition only from the expected status', async () => {
    const { store, world } = await worldWith(open);
    const [order] = await ordersFrom(world, store, ['btn-1']);
    if (!order) throw new Error('order expected');
    const next = cancelled(order, world.clock.now());
    expect(await store.orders.saveTransition(next, 'CONFIRMED')).toBe(false);
    expect((await store.orders.getOrder(order.orderId))?.status).toBe('PLACED');
    expect(await store.orders.saveTransition(next, 'PLACED')).toBe(true);
    expect(await store.orders.getOrder(order.orderId)).toMatchObject({
      status: 'CANCELLED',
      history: next.history,
    });
    expect(await store.orders.saveTransition(next, 'PLACED')).toBe(false);
  });

  it('releases an order’s slot on its button and learns from it, once however often it is released', async () => {
    const { store, world } = await worldWith(open);
    await store.putButton(button('btn-1', { maxOpenOrders: 2 }));
    const device = world.device('btn-1');
    await device.press();
    world.clock.advance(BURST_WINDOW_MS);
    await device.press();
    const first = await store.orders.getOrder('btn-1-1');
    expect((await store.api.buttons.getButton('btn-1'))?.open.map((o) => o.seq)).toEqual([1, 2]);
    const delivered = { ...(first as Order), status: 'DELIVERED' as const };
    await store.orders.releaseSlot(delivered);
    await store.orders.releaseSlot(delivered);
    const released = await store.api.buttons.getButton('btn-1');
    expect(released?.open.map((o) => o.seq)).toEqual([2]);
    expect(released?.rhythm).toEqual({ coffee: { orderedAt: [START], lastCancelledAt: null } });
    await store.orders.releaseSlot({ ...delivered, deviceId: 'btn-unknown' });
  });

  it('records an accepted price only while the button still orders that SKU', async () => {
    const { store } = await worldWith(open);
    await store.putButton(button('btn-1', { acceptedPriceCents: 999 }));
    await store.orders.acceptPrice('btn-1', 'coffee', 1299);
    expect((await store.api.buttons.getButton('btn-1'))?.settings.acceptedPriceCents).toBe(1299);
    await store.orders.acceptPrice('btn-1', 'tea', 5);
    expect((await store.api.buttons.getButton('btn-1'))?.settings.acceptedPriceCents).toBe(1299);
  });

  it('keeps order timers by due time: the due ones earliest first, up to the limit, until removed', async () => {
    const { store } = await worldWith(open);
    const timer = (due: number, eventId: string, seqs: number[]): OrderTimer => ({
      due,
      eventId,
      refs: seqs.map((seq) => ({ deviceId: 'btn-1', seq, deadline: due - seq })),
    });
    const late = timer(START + 2 * DAY, 'btn-1-3/1', [3]);
    const early = timer(START, 'btn-1-1/1', [1, 2]);
    const twin = timer(START, 'btn-1-4/1', [4]);
    await store.orders.fileTimers([late, early]);
    await store.orders.fileTimers([twin, early]); // a redelivered batch replaces its timer
    expect(await store.orders.dueTimers(START - 1, 10)).toEqual([]);
    expect(await store.orders.dueTimers(START, 10)).toEqual([early, twin]);
    expect(await store.orders.dueTimers(START + 3 * DAY, 2)).toEqual([early, twin]);
    await store.orders.removeTimer(early);
    expect(await store.orders.dueTimers(START + 3 * DAY, 10)).toEqual([twin, late]);
  });

  it('anonymises one household’s orders and no other’s', async () => {
    const { store, world } = await worldWith(open);
    await ordersFrom(world, store, ['btn-1', 'btn-2']);
    await store.putButton({ ...button('btn-9'), householdId: 'hh-2' });
    await world.device('btn-9').press();
    expect(await store.orders.anonymiseHouseholdOrders('hh-1', 'anon-1')).toBe(2);
    expect((await store.orders.listHouseholdOrders('hh-1', { limit: 5 })).items).toEqual([]);
    expect((await store.orders.listHouseholdOrders('anon-1', { limit: 5 })).items).toHaveLength(2);
    expect((await store.orders.listHouseholdOrders('hh-2', { limit: 5 })).items).toHaveLength(1);
  });
});

describeOnEveryStore('one button item across ports', (open) => {
  it('a button and SKU created through the API are what the press path orders, and the claim shows in the API', async () => {
    const store = await open();
    const world = new World(store);
    expect(await store.api.skus.createSku(sku())).toBe(true);
    expect(await store.api.buttons.createButton(button('btn-1'), 'claim-hash')).toBe(true);
    const result = await world.device('btn-1').press();
    expect(result.outcome).toBe('ORDERED');
    expect(await store.api.buttons.getButton('btn-1')).toMatchObject({
      highWaterMark: 1,
      lastPressAt: world.clock.now(),
      batteryMv: 2900,
      open: [{ orderId: 'btn-1-1' }],
    });
  });

  it('settings patched through the API steer the next press', async () => {
    const store = await open();
    const world = new World(store);
    await store.putSku(sku());
    await store.api.buttons.createButton(button('btn-1'), 'claim-hash');
    expect(
      await store.api.buttons.patchSettings('btn-1', { householdId: 'hh-1' }, { quantity: 3 }),
    ).toBe(true);
    const result = await world.device('btn-1').press();
    expect((await store.orders.getOrder(result.orderId ?? ''))?.quantity).toBe(3);
  });

  it('a household leaving resets its settings but keeps the press path’s state', async () => {
    const store = await open();
    const world = new World(store);
    await store.putSku(sku());
    await store.api.buttons.createButton(button('btn-1', { quantity: 2 }), 'claim-hash');
    await world.device('btn-1').press();
    expect(await store.api.buttons.releaseHousehold('btn-1', 'hh-1')).toBe('claim-hash');
    const released = await store.api.buttons.getButton('btn-1');
    expect(released).toMatchObject({ householdId: null, highWaterMark: 1, open: [{ seq: 1 }] });
    expect(released?.settings).toMatchObject({ skuId: 'coffee', quantity: 1 });
    expect((await store.press.loadContext('btn-1')).button?.highWaterMark).toBe(1);
  });

  it('a household leaving takes its learned rhythm with it', async () => {
    const store = await open();
    const world = new World(store);
    await store.putSku(sku());
    await store.api.buttons.createButton(button('btn-1'), 'claim-hash');
    const { orderId } = await world.device('btn-1').press();
    await world.orders.cancel(orderId as string, { kind: 'household', id: 'hh-1' });
    expect((await store.press.loadContext('btn-1')).button?.rhythm).toMatchObject({
      coffee: { lastCancelledAt: START },
    });
    await store.api.buttons.releaseHousehold('btn-1', 'hh-1');
    expect((await store.press.loadContext('btn-1')).button?.rhythm).toEqual({});
  });

  it('queues guarded orders across households for support, oldest first, until they ship or close', async () => {
    const { store, world } = await worldWith(open);
    const held = (id: string, householdId: string) => ({
      ...button(id, { childLock: 'confirm' }),
      householdId,
    });
    await store.putButton(held('btn-a', 'hh-1'));
    await store.putButton(button('btn-plain'));
    await store.putButton(held('btn-b', 'hh-2'));
    await store.putButton(held('btn-c', 'hh-3'));
    for (const id of ['btn-a', 'btn-plain', 'btn-b', 'btn-c']) {
      await world.device(id).press();
      world.clock.advance(MINUTE);
    }
    const first = await store.orders.listFlagged({ limit: 2 });
    expect(first.items.map((o) => [o.orderId, o.householdId, o.guard?.reason])).toEqual([
      ['btn-a-1', 'hh-1', 'CHILD_LOCK'],
      ['btn-b-1', 'hh-2', 'CHILD_LOCK'],
    ]);
    const rest = await store.orders.listFlagged({ limit: 2, cursor: first.cursor });
    expect(rest.items.map((o) => o.orderId)).toEqual(['btn-c-1']);

    const support = { kind: 'support', id: 's' } as const;
    await world.orders.cancel('btn-a-1', support, 'accidental');
    await world.orders.confirm('btn-b-1', { kind: 'household', id: 'hh-2' });
    const after = await store.orders.listFlagged({ limit: 10 });
    expect(after.items.map((o) => [o.orderId, o.status])).toEqual([
      ['btn-b-1', 'PLACED'],
      ['btn-c-1', 'NEEDS_CONFIRMATION'],
    ]);
    // A day later: the confirmed and the plain order are CONFIRMED, the unconfirmed one EXPIRED.
    world.clock.advance(25 * 60 * MINUTE);
    expect(await world.orders.sweep()).toEqual({ confirmed: 2, expired: 1 });
    await world.orders.ship('btn-b-1', { kind: 'brand', id: BRAND });
    expect((await store.orders.listFlagged({ limit: 10 })).items).toEqual([]);
  });

  it('flags an open order once, keeps an earlier reason, and keeps the flag through a transition read before it', async () => {
    const { store, world } = await worldWith(open);
    const [plain, shipped] = await ordersFrom(world, store, ['btn-1', 'btn-2']);
    const held = { ...button('btn-3', { childLock: 'confirm' }) };
    await store.putButton(held);
    await world.device('btn-3').press();
    const burst = { reason: 'BURST', usualIntervalDays: null, daysSinceLast: null } as const;
    const ref = (order: Order) => ({ orderId: order.orderId, placedAt: order.placedAt });
    if (!plain || !shipped) throw new Error('no orders');

    // The sweep read the plain order before the flag and confirms it after: the flag stays.
    world.clock.advance(31 * MINUTE);
    const stale = await store.orders.getOrder(plain.orderId);
    expect(stale?.status).toBe('PLACED');
    expect(await store.orders.flagOrder(ref(plain), burst)).toBe(true);
    expect(await store.orders.flagOrder(ref(plain), burst)).toBe(false);
    const confirmed: Order = {
      ...(stale as Order),
      status: 'CONFIRMED',
      history: [
        ...(stale as Order).history,
        { status: 'CONFIRMED', at: world.clock.now(), actor: { kind: 'system', id: 'sweep' } },
      ],
    };
    expect(await store.orders.saveTransition(confirmed, 'PLACED')).toBe(true);
    expect(
      await store.orders.flagOrder(ref((await store.orders.getOrder('btn-3-1')) as Order), burst),
    ).toBe(false);
    await world.orders.sweep();
    await world.orders.ship(shipped.orderId, { kind: 'brand', id: BRAND });
    expect(await store.orders.flagOrder(ref(shipped), burst)).toBe(false);
    expect(await store.orders.flagOrder({ orderId: 'btn-9-1', placedAt: START }, burst)).toBe(
      false,
    );

    const queue = await store.orders.listFlagged({ limit: 10 });
    expect(queue.items.map((o) => [o.orderId, o.status, o.guard?.reason])).toEqual([
      ['btn-1-1', 'CONFIRMED', 'BURST'],
      ['btn-3-1', 'NEEDS_CONFIRMATION', 'CHILD_LOCK'],
    ]);
  });
});
