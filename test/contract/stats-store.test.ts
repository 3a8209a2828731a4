/**
 * The StatsStore contract and the StatsCounter on top of it, on every store: each order event
 * is counted exactly once — delivered twice, out of order, by two consumers at once, or with
 * the consumer dying before or after any store call — and the counts equal what reading every
 * order gives.
 */
import fc from 'fast-check';
import { expect, it } from 'vitest';
import { orderEventsSince } from '../../cloud/core/events/order-events.ts';
import {
  bucketOf,
  contribution,
  StatsCounter,
  totalsOf,
} from '../../cloud/core/insight/brand-stats.ts';
import type { StatsBucketKey, StatsStore } from '../../cloud/core/insight/stats-store.ts';
import type { OrderEvent, OrderStatus } from '../../cloud/core/model.ts';
import { CrashSwitch } from '../helpers/crashing-store.ts';
import { orderThrough, progressOf, totalsOfOrders } from '../helpers/stats.ts';
import { describeOnEveryStore, type StoreUnderTest } from '../helpers/stores.ts';
import { BRAND, button, sku, World } from '../helpers/world.ts';

const KEY: StatsBucketKey = { brandId: BRAND, day: '2026-11-23', skuId: 'coffee', shard: 1 };
const ONE = { orders: 1, units: 0, byStatus: { PLACED: 1 }, revenueCents: {} };
const NONE = { counted: 0, marked: false, epoch: 0 };
const brandActor = { kind: 'brand' as const, id: BRAND };

/** Real orders and their events: delivered, cancelled by the household, still placed, and confirmed. */
async function orderHistory(store: StoreUnderTest): Promise<OrderEvent[]> {
  const world = new World(store);
  await store.putSku(sku());
  for (const id of ['btn-1', 'btn-2', 'btn-3', 'btn-4']) await store.putButton(button(id));
  await world.device('btn-1').press();
  await world.device('btn-2').press();
  await world.orders.cancel('btn-2-1', { kind: 'household', id: 'hh-1' }, 'pressed by a child');
  await world.device('btn-4').press();
  world.clock.advance(31 * 60_000);
  await world.orders.sweep();
  await world.orders.ship('btn-1-1', brandActor);
  await world.orders.deliver('btn-1-1', brandActor);
  await world.device('btn-3').press();
  return [...world.events];
}

/** What reading every order would give (the route's former scan). */
async function expectedTotals(store: StoreUnderTest) {
  const buckets = [];
  for (const order of await collectOrders(store)) {
    buckets.push({ ...bucketOf(order), counts: contribution(order, order.status) });
  }
  return totalsOf(BRAND, buckets);
}

async function collectOrders(store: StoreUnderTest) {
  const ids = ['btn-1-1', 'btn-2-1', 'btn-3-1', 'btn-4-1'];
  const orders = [];
  for (const id of ids) {
    const order = await store.orders.getOrder(id);
    if (order) orders.push(order);
  }
  return orders;
}

/** The lives an order can have, as its statuses in turn. */
const LIVES: OrderStatus[][] = [
  ['PLACED'],
  ['PLACED', 'CANCELLED'],
  ['PLACED', 'CONFIRMED'],
  ['PLACED', 'CONFIRMED', 'SHIPPED', 'DELIVERED'],
  ['NEEDS_CONFIRMATION', 'CONFIRMED', 'CANCELLED'],
];

const totalsIn = async (stats: StatsStore) => totalsOf(BRAND, await stats.buckets(BRAND));

describeOnEveryStore('StatsStore', (open) => {
  it('adds only while the order’s progress is as read; settling moves its count out of the bucket', async () => {
    const { api } = await open();
    const fresh = await progressOf(api.stats, KEY, 'btn-1-1');
    expect(fresh).toEqual(NONE);
    expect(await api.stats.add(KEY, [{ orderId: 'btn-1-1', from: fresh, to: 1, delta: ONE }])).toBe(
      true,
    );
    expect(await api.stats.add(KEY, [{ orderId: 'btn-1-1', from: fresh, to: 1, delta: ONE }])).toBe(
      false,
    );
    expect(await progressOf(api.stats, KEY, 'btn-1-1')).toEqual({
      counted: 1,
      marked: true,
      epoch: 0,
    });
    const wrong = { counted: 2, marked: true, epoch: 0 };
    expect(await api.stats.add(KEY, [{ orderId: 'btn-1-1', from: wrong, to: 3, delta: ONE }])).toBe(
      false,
    );
    await api.stats.settle(KEY, [{ orderId: 'btn-1-1', to: 1 }]);
    const settled = await progressOf(api.stats, KEY, 'btn-1-1');
    expect(settled).toEqual({ counted: 1, marked: false, epoch: 1 });
    // Read before the settle, with no marker: the epoch has moved, so it cannot count again.
    expect(await api.stats.add(KEY, [{ orderId: 'btn-1-1', from: fresh, to: 1, delta: ONE }])).toBe(
      false,
    );
    const confirm = {
      orders: 0,
      units: 2,
      byStatus: { PLACED: -1, CONFIRMED: 1 },
      revenueCents: { EUR: 2598 },
    };
    expect(
      await api.stats.add(KEY, [{ orderId: 'btn-1-1', from: settled, to: 2, delta: confirm }]),
    ).toBe(true);
    await api.stats.settle(KEY, [{ orderId: 'btn-1-1', to: 2 }]);
    await api.stats.settle(KEY, [{ orderId: 'btn-1-1', to: 2 }]);
    await api.stats.settle(KEY, [{ orderId: 'btn-1-1', to: 1 }]);
    expect(await progressOf(api.stats, KEY, 'btn-1-1')).toEqual({
      counted: 2,
      marked: false,
      epoch: 2,
    });
    expect(await api.stats.add(KEY, [{ orderId: 'btn-2-1', from: NONE, to: 1, delta: ONE }])).toBe(
      true,
    );
    const [bucket, ...rest] = await api.stats.buckets(BRAND);
    expect(rest).toEqual([]);
    expect(bucket).toEqual({
      ...KEY,
      counts: {
        orders: 2,
        units: 2,
        byStatus: { PLACED: 1, CONFIRMED: 1 },
        revenueCents: { EUR: 2598 },
      },
    });
  });

  it('adds many orders in one write, all or none, and settles them together', async () => {
    const { api } = await open();
    const ids = ['o-1', 'o-2', 'o-3'];
    const fresh = (orderId: string) => ({ orderId, from: NONE, to: 1, delta: ONE });
    expect(await api.stats.add(KEY, ids.slice(0, 2).map(fresh))).toBe(true);
    // o-2 is counted already: the write would count it twice, so o-3 is not counted either.
    expect(await api.stats.add(KEY, ids.slice(1).map(fresh))).toBe(false);
    expect(await api.stats.progress(ids.map((orderId) => ({ bucket: KEY, orderId })))).toEqual([
      { counted: 1, marked: true, epoch: 0 },
      { counted: 1, marked: true, epoch: 0 },
      NONE,
    ]);
    expect((await api.stats.buckets(BRAND))[0]?.counts.orders).toBe(2);
    // o-2's next event is being counted meanwhile: its marker stays, o-1's goes.
    const marked = { counted: 1, marked: true, epoch: 0 };
    const confirm = {
      orders: 0,
      units: 0,
      byStatus: { PLACED: -1, CONFIRMED: 1 },
      revenueCents: {},
    };
    expect(
      await api.stats.add(KEY, [{ orderId: 'o-2', from: marked, to: 2, delta: confirm }]),
    ).toBe(true);
    await api.stats.settle(KEY, [
      { orderId: 'o-1', to: 1 },
      { orderId: 'o-2', to: 1 },
    ]);
    const [one, two] = await api.stats.progress(
      ['o-1', 'o-2'].map((orderId) => ({ bucket: KEY, orderId })),
    );
    expect(one).toMatchObject({ counted: 1, marked: false });
    expect(one?.epoch).toBeGreaterThan(0);
    expect(two).toMatchObject({ counted: 2, marked: true });
    await api.stats.settle(KEY, [{ orderId: 'o-2', to: 2 }]);
    expect(await progressOf(api.stats, KEY, 'o-2')).toMatchObject({ counted: 2, marked: false });
    const [bucket] = await api.stats.buckets(BRAND);
    expect(bucket?.counts).toEqual({
      orders: 2,
      units: 0,
      byStatus: { PLACED: 1, CONFIRMED: 1 },
      revenueCents: {},
    });
  });

  it('reads where many orders stand at once, in the order asked, across buckets', async () => {
    const { api } = await open();
    const other = { ...KEY, day: '2026-11-24' };
    expect(await api.stats.add(KEY, [{ orderId: 'o-marked', from: NONE, to: 1, delta: ONE }])).toBe(
      true,
    );
    expect(
      await api.stats.add(other, [{ orderId: 'o-settled', from: NONE, to: 1, delta: ONE }]),
    ).toBe(true);
    await api.stats.settle(other, [{ orderId: 'o-settled', to: 1 }]);
    const asked = [
      { bucket: other, orderId: 'o-settled' },
      { bucket: KEY, orderId: 'o-new' },
      { bucket: KEY, orderId: 'o-marked' },
      { bucket: other, orderId: 'o-settled' },
    ];
    const settled = await progressOf(api.stats, other, 'o-settled');
    expect(settled).toMatchObject({ counted: 1, marked: false });
    expect(await api.stats.progress(asked)).toEqual([
      settled,
      NONE,
      { counted: 1, marked: true, epoch: 0 },
      settled,
    ]);
    expect(await api.stats.progress([])).toEqual([]);
  });

  it('lists a brand’s buckets by day range, never another brand’s', async () => {
    const { api } = await open();
    for (const day of ['2026-11-20', '2026-11-21', '2026-11-23']) {
      expect(
        await api.stats.add({ ...KEY, day }, [
          { orderId: `o-${day}`, from: NONE, to: 1, delta: ONE },
        ]),
      ).toBe(true);
    }
    expect(
      await api.stats.add({ ...KEY, brandId: 'other' }, [
        { orderId: 'o-x', from: NONE, to: 1, delta: ONE },
      ]),
    ).toBe(true);
    const days = async (range?: { from: string; to: string }) =>
      (await api.stats.buckets(BRAND, range)).map((b) => b.day).sort();
    expect(await days()).toEqual(['2026-11-20', '2026-11-21', '2026-11-23']);
    expect(await days({ from: '2026-11-21', to: '2026-11-23' })).toEqual([
      '2026-11-21',
      '2026-11-23',
    ]);
    expect(await days({ from: '2026-11-22', to: '2026-11-22' })).toEqual([]);
    expect((await api.stats.buckets('other')).map((b) => b.brandId)).toEqual(['other']);
  });

  it('counts each event once: redelivered, out of order and by two consumers at once', async () => {
    const store = await open();
    const events = await orderHistory(store);
    expect(events.length).toBe(9);
    const expected = await expectedTotals(store);
    expect(expected).toMatchObject({ orders: 4, units: 2, revenueCents: { EUR: 2598 } });
    const counter = new StatsCounter(store.api.stats);
    await counter.emit([...events].reverse());
    await Promise.all([counter.emit(events), new StatsCounter(store.api.stats).emit(events)]);
    await counter.emit(events);
    expect(await totalsIn(store.api.stats)).toEqual(expected);
  });

  it('counts each event once when the consumer dies before or after any store call', async () => {
    const reference = await open();
    const events = await orderHistory(reference);
    const expected = await expectedTotals(reference);
    let crashes = 0;
    for (const mode of ['before', 'after'] as const) {
      for (let k = 1; ; k++) {
        const store = await open();
        const crash = new CrashSwitch();
        crash.arm(k, mode);
        const dying = new StatsCounter(crash.wrap(store.api.stats));
        const died = await dying.emit(events).then(
          () => false,
          () => true,
        );
        // A fresh consumer gets the whole batch again, as every redelivery path does.
        await new StatsCounter(store.api.stats).emit(events);
        expect(await totalsIn(store.api.stats), `${mode} call ${k}`).toEqual(expected);
        if (!died) break;
        crashes++;
      }
    }
    expect(crashes).toBeGreaterThanOrEqual(2 * events.length);
  });
});

describeOnEveryStore('StatsStore under a busy day', (open) => {
  it('leaves no order behind in its bucket once counted, however many the day brings', async () => {
    const store = await open();
    const orders = Array.from({ length: 120 }, (_, i) =>
      orderThrough(`btn-${i}-1`, LIVES[i % LIVES.length] ?? []),
    );
    const counter = new StatsCounter(store.api.stats);
    await counter.emit(orders.flatMap((order) => orderEventsSince(order, 0)));
    expect(await totalsIn(store.api.stats)).toEqual(totalsOfOrders(orders));
    for (const order of orders) {
      const progress = await progressOf(store.api.stats, bucketOf(order), order.orderId);
      expect(progress).toMatchObject({ counted: order.history.length, marked: false });
    }
  });

  it('counts every event once whatever the deliveries: repeated, reordered, concurrent, cut short', async () => {
    const store = await open();
    let run = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.nat(LIVES.length - 1), { minLength: 1, maxLength: 4 }),
        fc.array(
          fc.record({
            order: fc.nat(100),
            concurrent: fc.boolean(),
            crashAt: fc.option(fc.integer({ min: 1, max: 12 }), { nil: undefined }),
          }),
          { minLength: 1, maxLength: 6 },
        ),
        async (lives, deliveries) => {
          run++;
          // Fresh order ids per run: the store is shared across runs.
          const orders = lives.map((life, i) =>
            orderThrough(`btn-${run * 10 + i}-1`, LIVES[life] ?? [], { skuId: `sku-${run}` }),
          );
          const events = orders.flatMap((order) => orderEventsSince(order, 0));
          for (const delivery of deliveries) {
            const seed = delivery.order % events.length;
            const batch = [...events.slice(seed), ...events.slice(0, seed)];
            const crash = new CrashSwitch();
            if (delivery.crashAt !== undefined) crash.arm(delivery.crashAt, 'after');
            const dying = new StatsCounter(crash.wrap(store.api.stats)).emit(batch).catch(() => {});
            if (delivery.concurrent)
              await Promise.all([dying, new StatsCounter(store.api.stats).emit(events)]);
            else await dying;
          }
          // The last delivery gets through, as redelivery does until it does.
          await new StatsCounter(store.api.stats).emit(events);
          const mine = (await store.api.stats.buckets(BRAND)).filter(
            (b) => b.skuId === `sku-${run}`,
          );
          expect(totalsOf(BRAND, mine)).toEqual(totalsOfOrders(orders));
        },
      ),
      { numRuns: 40 },
    );
  });
});
