/**
 * The press pipeline's behaviour, run unchanged against every store adapter (memory fake,
 * dynalite, DynamoDB Local): the fake is trusted in unit tests only because it passes this.
 */

import { beforeEach, describe, expect, it } from 'vitest';
import { verifyAck } from '#shared/index';
import { BURST_WINDOW_MS } from '../../cloud/core/guard/guard.ts';
import { nodeSha256 } from '../../cloud/core/sha256.ts';
import type { StoreUnderTest } from '../helpers/stores.ts';
import { button, sku, World } from '../helpers/world.ts';

export function pressPipelineContract(open: () => Promise<StoreUnderTest>): void {
  describe('contract', () => {
    let store: StoreUnderTest;
    let world: World;

    beforeEach(async () => {
      store = await open();
      world = new World(store);
      await store.putSku(sku());
      await store.putSku(sku({ skuId: 'filters', name: 'Filters', priceCents: 399 }));
      await store.putButton(button('btn-1'));
    });

    it('orders on a single press and answers with a signed ack naming the order', async () => {
      const device = world.device('btn-1');
      const result = await device.press();
      expect(result).toMatchObject({ outcome: 'ORDERED', orderId: 'btn-1-1', duplicate: false });
      expect(result.ack && verifyAck(nodeSha256, device.key, result.ack)).toBe(true);
      const order = await store.orders.getOrder('btn-1-1');
      expect(order).toMatchObject({
        status: 'PLACED',
        skuId: 'coffee',
        quantity: 1,
        unitPriceCents: 1299,
        householdId: 'hh-1',
      });
      expect(world.events.map((e) => e.type)).toEqual(['OrderPlaced']);
    });

    it('answers a second press while the order is open with IN_PROGRESS and no second order', async () => {
      const device = world.device('btn-1');
      await device.press();
      const second = await device.press();
      expect(second).toMatchObject({ outcome: 'IN_PROGRESS', orderId: null });
      expect(await store.orders.getOrder('btn-1-2')).toBeNull();
    });

    it('allows concurrent orders up to the household cap', async () => {
      await store.putButton(button('btn-2', { maxOpenOrders: 2 }));
      const device = world.device('btn-2');
      const outcomes = [];
      for (let i = 0; i < 3; i++) {
        outcomes.push((await device.press()).outcome);
        // Presses seconds apart are one intent; the cap is about separate decisions.
        world.clock.advance(BURST_WINDOW_MS);
      }
      expect(outcomes).toEqual(['ORDERED', 'ORDERED', 'IN_PROGRESS']);
    });

    it('answers a transport duplicate with the original ack, byte for byte', async () => {
      const device = world.device('btn-1');
      const first = await device.press();
      const again = await device.resend(1, 3);
      expect(again.ack).toEqual(first.ack);
      expect(again.duplicate).toBe(true);
      expect(world.events).toHaveLength(1);
    });

    it('50 concurrent deliveries of one press make exactly one order and 50 identical acks', async () => {
      const device = world.device('btn-1');
      device.seq = 1;
      const event = device.event(device.sign('SINGLE', 1));
      const results = await Promise.all(Array.from({ length: 50 }, () => world.handle(event)));
      expect(new Set(results.map((r) => JSON.stringify(r.ack))).size).toBe(1);
      expect(results.every((r) => r.outcome === 'ORDERED' && r.orderId === 'btn-1-1')).toBe(true);
      expect((await store.orders.listHouseholdOrders('hh-1', { limit: 100 })).items).toHaveLength(
        1,
      );
      expect(world.events).toHaveLength(1);
    });

    it('rejects a replayed sequence number that was never processed, and orders nothing', async () => {
      const device = world.device('btn-1');
      device.seq = 5;
      await device.press(); // seq 6 raises the high-water mark
      world.clock.advance(1000);
      const before = await store.snapshot();
      const replay = await world.handle(device.event(device.sign('SINGLE', 3)));
      expect(replay).toMatchObject({ outcome: 'REJECTED', reason: 'REPLAYED' });
      expect(await store.orders.getOrder('btn-1-3')).toBeNull();
      const log = await store.orders.pressLog('btn-1', { limit: 10 });
      expect(log.items[0]).toMatchObject({ seq: 3, outcome: 'REJECTED', reason: 'REPLAYED' });
      expect((await store.snapshot()).length).toBe(before.length + 1);
    });

    it('cancels the latest cancellable order on a LONG press', async () => {
      const device = world.device('btn-1');
      await device.press();
      const cancel = await device.press('LONG');
      expect(cancel).toMatchObject({ outcome: 'CANCELLED', orderId: 'btn-1-1' });
      const order = await store.orders.getOrder('btn-1-1');
      expect(order?.status).toBe('CANCELLED');
      expect(order?.history.at(-1)?.actor).toEqual({ kind: 'device', id: 'btn-1' });
      expect((await device.press()).outcome).toBe('ORDERED');
    });

    it('refuses a LONG press with nothing to cancel', async () => {
      const result = await world.device('btn-1').press('LONG');
      expect(result).toMatchObject({ outcome: 'REJECTED', reason: 'NOTHING_TO_CANCEL' });
    });

    it('runs the second action on a DOUBLE press', async () => {
      await store.putButton(
        button('btn-3', { secondAction: { skuId: 'filters', quantity: 2 }, maxOpenOrders: 2 }),
      );
      const result = await world.device('btn-3').press('DOUBLE');
      expect(result.outcome).toBe('ORDERED');
      expect(await store.orders.getOrder(result.orderId as string)).toMatchObject({
        skuId: 'filters',
        quantity: 2,
        unitPriceCents: 399,
      });
    });

    it('asks for confirmation when the price rose beyond the limit, then places it once confirmed', async () => {
      await store.putSku(sku({ priceCents: 1499 }));
      const result = await world.device('btn-1').press();
      expect(result).toMatchObject({ outcome: 'NEEDS_CONFIRMATION', orderId: 'btn-1-1' });
      const confirmed = await world.orders.confirm('btn-1-1', { kind: 'household', id: 'hh-1' });
      expect(confirmed.status).toBe('PLACED');
      // The new price is now the accepted one: the next order goes through without asking.
      await world.orders.cancel('btn-1-1', { kind: 'household', id: 'hh-1' });
      expect((await world.device('btn-1').resend(1)).outcome).toBe('NEEDS_CONFIRMATION');
      const next = world.device('btn-1');
      next.seq = 1;
      expect((await next.press()).outcome).toBe('ORDERED');
    });

    it('stays within the price limit the household allows', async () => {
      await store.putButton(button('btn-4', { priceIncreaseLimitPct: 20 }));
      await store.putSku(sku({ priceCents: 1550 }));
      expect((await world.device('btn-4').press()).outcome).toBe('ORDERED');
    });

    it('answers OUT_OF_STOCK and UNBOUND without ordering', async () => {
      await store.putSku(sku({ inStock: false }));
      expect((await world.device('btn-1').press()).outcome).toBe('OUT_OF_STOCK');
      await store.putButton(button('btn-5', { skuId: null }));
      expect((await world.device('btn-5').press()).outcome).toBe('UNBOUND');
      await store.putButton({ ...button('btn-6'), householdId: null });
      expect((await world.device('btn-6').press()).outcome).toBe('UNBOUND');
      expect((await store.orders.listHouseholdOrders('hh-1', { limit: 10 })).items).toEqual([]);
    });

    it('confirms orders whose cancel window has passed and then refuses household cancels', async () => {
      await world.device('btn-1').press();
      world.clock.advance(29 * 60_000);
      expect(await world.orders.sweep()).toEqual({ confirmed: 0, expired: 0 });
      world.clock.advance(2 * 60_000);
      expect(await world.orders.sweep()).toEqual({ confirmed: 1, expired: 0 });
      const feed = await store.orders.listBrandOrders('acme', 'CONFIRMED', { limit: 10 });
      expect(feed.items.map((o) => o.orderId)).toEqual(['btn-1-1']);
      await expect(
        world.orders.cancel('btn-1-1', { kind: 'household', id: 'hh-1' }),
      ).rejects.toMatchObject({ code: 'ILLEGAL_TRANSITION' });
      expect(world.events.map((e) => e.type)).toEqual(['OrderPlaced', 'OrderConfirmed']);
    });

    it('frees the button when the brand delivers the order', async () => {
      const device = world.device('btn-1');
      await device.press();
      world.clock.advance(31 * 60_000);
      await world.orders.sweep();
      await world.orders.ship('btn-1-1', { kind: 'brand', id: 'acme' });
      expect((await device.press()).outcome).toBe('IN_PROGRESS');
      await world.orders.deliver('btn-1-1', { kind: 'brand', id: 'acme' });
      expect((await device.press()).outcome).toBe('ORDERED');
    });

    it('frees a slot whose release was lost when the order closed (crash between the writes)', async () => {
      const device = world.device('btn-1');
      await device.press();
      await world.orders.cancel('btn-1-1', { kind: 'support', id: 's' }, 'accidental');
      const order = await store.orders.getOrder('btn-1-1');
      if (!order) throw new Error('the order should exist');
      // The button still lists the closed order, as if the process died before releasing it.
      await store.putButton({
        ...button('btn-1'),
        highWaterMark: 1,
        open: [{ ...order, status: 'PLACED' }],
      });
      expect((await device.press()).outcome).toBe('ORDERED');
    });

    it('expires an order nobody confirmed', async () => {
      await store.putButton(button('btn-7', { confirmFirstOrder: true, acceptedPriceCents: null }));
      const result = await world.device('btn-7').press();
      expect(result.outcome).toBe('NEEDS_CONFIRMATION');
      world.clock.advance(25 * 3600_000);
      expect(await world.orders.sweep()).toEqual({ confirmed: 0, expired: 1 });
      expect((await world.device('btn-7').resend(1)).outcome).toBe('NEEDS_CONFIRMATION');
      const again = world.device('btn-7');
      again.seq = 1;
      expect((await again.press()).outcome).toBe('NEEDS_CONFIRMATION');
    });

    it('keeps every press in the log with its outcome, newest first, paged', async () => {
      const device = world.device('btn-1');
      await device.press();
      world.clock.advance(1000);
      await device.press();
      world.clock.advance(1000);
      await world.handle(device.event('{"v":1,"garbage":true}'));
      world.clock.advance(1000);
      await device.press('LONG');
      const first = await store.orders.pressLog('btn-1', { limit: 2 });
      const second = await store.orders.pressLog('btn-1', { limit: 2, cursor: first.cursor });
      const all = [...first.items, ...second.items];
      expect(all.map((e) => [e.seq, e.outcome, e.reason])).toEqual([
        [3, 'CANCELLED', null],
        [null, 'REJECTED', 'UNKNOWN_FIELD'],
        [2, 'IN_PROGRESS', 'BURST'],
        [1, 'ORDERED', null],
      ]);
      expect(second.cursor).toBeUndefined();
    });

    it('relays a button pressed again during the relay from the new claim on, not from its first', async () => {
      await store.putButton(button('btn-2', { maxOpenOrders: 5 }));
      const relaying = new World(store, { drain: false });
      const device = relaying.device('btn-2');
      await device.press();
      const [first] = await store.commits.pendingCommits(10);
      expect(first?.since).toBe(0);
      expect(await relaying.commits.publish(first ? [first] : [])).toBe(1);
      relaying.clock.advance(BURST_WINDOW_MS);
      await device.press();
      await store.commits.clearCommit((first as NonNullable<typeof first>).button);
      const owed = await store.commits.pendingCommits(10);
      expect(owed.map((c) => [c.button.highWaterMark, c.since])).toEqual([[2, 1]]);
      expect(await relaying.commits.drain(store.commits)).toBe(1);
      expect(await store.commits.pendingCommits(10)).toEqual([]);
      expect(await store.orders.getOrder('btn-2-2')).toMatchObject({ status: 'PLACED' });
    });

    it('keeps every decision a full button answered while the relay was behind, and its answer', async () => {
      await store.putButton(button('btn-2', { maxOpenOrders: 1, burstWindowSeconds: 0 }));
      const behind = new World(store, { drain: false });
      const device = behind.device('btn-2');
      const outcomes = [];
      for (let i = 0; i < 21; i++) {
        outcomes.push((await device.press()).outcome);
        behind.clock.advance(1000);
      }
      expect(outcomes).toEqual(['ORDERED', ...Array(20).fill('IN_PROGRESS')]);
      // The button holds a bounded number; the ones it let go have their records already.
      const { button: held } = await store.press.loadContext('btn-2');
      expect(held?.recent.map((d) => d.seq)).toEqual(range(6, 21));
      expect((await store.orders.pressLog('btn-2', { limit: 30 })).items.map((e) => e.seq)).toEqual(
        range(2, 5).reverse(),
      );
      // Retries of refused presses, before the relay wrote anything, get their answers.
      expect(await device.resend(2)).toMatchObject({ outcome: 'IN_PROGRESS', duplicate: true });
      expect(await device.resend(9)).toMatchObject({ outcome: 'IN_PROGRESS', duplicate: true });
      await behind.commits.drain(store.commits);
      const log = await store.orders.pressLog('btn-2', { limit: 30 });
      expect(log.items.map((e) => [e.seq, e.outcome])).toEqual([
        ...range(2, 21)
          .reverse()
          .map((seq) => [seq, 'IN_PROGRESS']),
        [1, 'ORDERED'],
      ]);
      expect(await device.resend(2)).toMatchObject({ outcome: 'IN_PROGRESS', duplicate: true });
    });

    it('anonymises a household’s orders on erasure and keeps them in the brand’s feed', async () => {
      await world.device('btn-1').press();
      expect(await store.orders.anonymiseHouseholdOrders('hh-1', 'erased-1')).toBe(1);
      expect((await store.orders.listHouseholdOrders('hh-1', { limit: 10 })).items).toEqual([]);
      expect((await store.orders.getOrder('btn-1-1'))?.householdId).toBe('erased-1');
      world.clock.advance(31 * 60_000);
      await world.orders.sweep();
      const confirmed = await store.orders.listBrandOrders('acme', 'CONFIRMED', { limit: 10 });
      expect(confirmed.items.map((o) => o.householdId)).toEqual(['erased-1']);
    });
  });
}

/** from, from + 1, …, to */
function range(from: number, to: number): number[] {
  return Array.from({ length: to - from + 1 }, (_, i) => from + i);
}
