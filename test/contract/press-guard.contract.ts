/**
 * The accidental-order guard through the real press pipeline, run against every store adapter:
 * the rhythm is learned from delivered orders by the store write that frees the button, and
 * read back on the next press from the button the press already loads.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import { DAY_MS } from '../../cloud/core/guard/rhythm.ts';
import type { ButtonSettings } from '../../cloud/core/model.ts';
import type { StoreUnderTest } from '../helpers/stores.ts';
import { button, sku, type VirtualDevice, World } from '../helpers/world.ts';

const brand = { kind: 'brand', id: 'acme' } as const;

export function pressGuardContract(open: () => Promise<StoreUnderTest>): void {
  describe('contract', () => {
    let store: StoreUnderTest;
    let world: World;

    beforeEach(async () => {
      store = await open();
      world = new World(store);
      await store.putSku(sku());
    });

    async function withButton(settings: Partial<ButtonSettings> = {}): Promise<VirtualDevice> {
      await store.putButton(button('btn-g', settings));
      return world.device('btn-g');
    }

    /** Presses, lets the cancel window pass, ships and delivers: one order in the rhythm. */
    async function orderAndDeliver(device: VirtualDevice): Promise<void> {
      const { outcome, orderId } = await device.press();
      expect(outcome).toBe('ORDERED');
      world.clock.advance(31 * 60_000);
      await world.orders.sweep();
      await world.orders.ship(orderId as string, brand);
      await world.orders.deliver(orderId as string, brand);
    }

    async function historyEvery(device: VirtualDevice, days: number, orders: number) {
      for (let i = 0; i < orders; i++) {
        if (i > 0) world.clock.advance(days * DAY_MS - 31 * 60_000);
        await orderAndDeliver(device);
      }
    }

    it('holds a press far earlier than the household’s rhythm for confirmation, with the reason', async () => {
      const device = await withButton();
      await historyEvery(device, 20, 4);
      world.clock.advance(2 * DAY_MS);
      const early = await device.press();
      expect(early.outcome).toBe('NEEDS_CONFIRMATION');
      expect(await store.orders.getOrder(early.orderId as string)).toMatchObject({
        status: 'NEEDS_CONFIRMATION',
        guard: { reason: 'EARLY_REORDER', usualIntervalDays: 20, daysSinceLast: 2 },
      });
      const confirmed = await world.orders.confirm(early.orderId as string, {
        kind: 'household',
        id: 'hh-1',
      });
      expect(confirmed.status).toBe('PLACED');
    });

    it('restarts the cancel window when the household confirms a held order', async () => {
      const device = await withButton({ childLock: 'confirm', cancelWindowMinutes: 30 });
      const held = await device.press();
      expect(held.outcome).toBe('NEEDS_CONFIRMATION');
      // Confirmed a day later, less an hour: well past placedAt + the 30-minute window.
      world.clock.advance(23 * 60 * 60_000);
      const confirmedAt = world.clock.now();
      const household = { kind: 'household', id: 'hh-1' } as const;
      const confirmed = await world.orders.confirm(held.orderId as string, household);
      expect(confirmed).toMatchObject({
        status: 'PLACED',
        cancelDeadline: confirmedAt + 30 * 60_000,
      });
      expect((await store.orders.getOrder(held.orderId as string))?.cancelDeadline).toBe(
        confirmedAt + 30 * 60_000,
      );
      // The sweep leaves it alone inside the new window, and the household may still cancel.
      world.clock.advance(29 * 60_000);
      expect(await world.orders.sweep()).toEqual({ confirmed: 0, expired: 0 });
      const cancelled = await world.orders.cancel(held.orderId as string, household);
      expect(cancelled.status).toBe('CANCELLED');
    });

    it('confirms a confirmed held order once its restarted window has passed', async () => {
      const device = await withButton({ childLock: 'confirm', cancelWindowMinutes: 30 });
      const held = await device.press();
      world.clock.advance(60 * 60_000);
      await world.orders.confirm(held.orderId as string, { kind: 'household', id: 'hh-1' });
      world.clock.advance(31 * 60_000);
      expect(await world.orders.sweep()).toEqual({ confirmed: 1, expired: 0 });
      expect((await store.orders.getOrder(held.orderId as string))?.status).toBe('CONFIRMED');
    });

    it('orders the same early press when the household switched learning off', async () => {
      const device = await withButton({ learnRhythm: false });
      await historyEvery(device, 20, 4);
      world.clock.advance(2 * DAY_MS);
      expect((await device.press()).outcome).toBe('ORDERED');
    });

    it('orders a press that comes in the usual rhythm', async () => {
      const device = await withButton();
      await historyEvery(device, 20, 4);
      world.clock.advance(19 * DAY_MS);
      expect((await device.press()).outcome).toBe('ORDERED');
    });

    it('decides nothing from fewer than three orders without a brand default', async () => {
      const device = await withButton();
      await historyEvery(device, 20, 2);
      world.clock.advance(DAY_MS);
      expect((await device.press()).outcome).toBe('ORDERED');
    });

    it('uses the brand’s usual interval until the household has a rhythm', async () => {
      await store.putSku(sku({ usualIntervalDays: 30 }));
      const device = await withButton();
      await orderAndDeliver(device);
      world.clock.advance(DAY_MS);
      const early = await device.press();
      expect(early.outcome).toBe('NEEDS_CONFIRMATION');
      expect(await store.orders.getOrder(early.orderId as string)).toMatchObject({
        guard: { reason: 'EARLY_REORDER', usualIntervalDays: 30, daysSinceLast: 1 },
      });
    });

    it('folds a burst of five presses into one order, even when the cap allows more', async () => {
      const device = await withButton({ maxOpenOrders: 3 });
      const outcomes = [];
      for (let i = 0; i < 5; i++) {
        outcomes.push((await device.press()).outcome);
        world.clock.advance(1_000);
      }
      expect(outcomes).toEqual([
        'ORDERED',
        'IN_PROGRESS',
        'IN_PROGRESS',
        'IN_PROGRESS',
        'IN_PROGRESS',
      ]);
      const log = await store.orders.pressLog('btn-g', { limit: 10 });
      expect(log.items.filter((entry) => entry.reason === 'BURST')).toHaveLength(4);
      expect(await store.orders.getOrder('btn-g-2')).toBeNull();
    });

    it('shows the order a burst repeats to support, flagged BURST once, whatever the retries', async () => {
      const device = await withButton();
      const first = await device.press();
      world.clock.advance(1_000);
      expect((await device.press()).outcome).toBe('IN_PROGRESS');
      // Retries of the burst press, and more presses of the burst, flag nothing again.
      expect((await device.resend()).outcome).toBe('IN_PROGRESS');
      for (let i = 0; i < 3; i++) {
        world.clock.advance(1_000);
        expect((await device.press()).outcome).toBe('IN_PROGRESS');
      }
      const queue = await store.orders.listFlagged({ limit: 10 });
      expect(queue.items.map((o) => [o.orderId, o.status, o.guard?.reason])).toEqual([
        [first.orderId, 'PLACED', 'BURST'],
      ]);
      expect(world.log.lines.filter((l) => l.message === 'burst flagged for support')).toHaveLength(
        1,
      );
      // The household still cancels it in its window; the queue then forgets it.
      await world.orders.cancel(first.orderId as string, { kind: 'household', id: 'hh-1' });
      expect((await store.orders.listFlagged({ limit: 10 })).items).toEqual([]);
    });

    it('keeps the reason of an order the guard already held when a burst follows it', async () => {
      const device = await withButton({ childLock: 'confirm' });
      const held = await device.press();
      world.clock.advance(1_000);
      expect((await device.press()).outcome).toBe('IN_PROGRESS');
      const queue = await store.orders.listFlagged({ limit: 10 });
      expect(queue.items.map((o) => [o.orderId, o.guard?.reason])).toEqual([
        [held.orderId, 'CHILD_LOCK'],
      ]);
    });

    it('refuses every press while the child lock disables the button', async () => {
      const device = await withButton({ childLock: 'disabled' });
      expect(await device.press()).toMatchObject({ outcome: 'REJECTED', orderId: null });
      expect((await store.orders.pressLog('btn-g', { limit: 1 })).items[0]?.reason).toBe(
        'CHILD_LOCK',
      );
      expect(await store.orders.getOrder('btn-g-1')).toBeNull();
    });

    it('holds every press for confirmation while the child lock asks for it', async () => {
      const device = await withButton({ childLock: 'confirm' });
      const held = await device.press();
      expect(held.outcome).toBe('NEEDS_CONFIRMATION');
      expect((await store.orders.getOrder(held.orderId as string))?.guard?.reason).toBe(
        'CHILD_LOCK',
      );
    });

    it('flags a reorder right after a cancel for support, and still orders it', async () => {
      const device = await withButton();
      await device.press();
      await device.press('LONG');
      world.clock.advance(60_000);
      const again = await device.press();
      expect(again.outcome).toBe('ORDERED');
      expect((await store.orders.getOrder(again.orderId as string))?.guard?.reason).toBe(
        'CANCELLED_THEN_REORDERED',
      );
    });
  });
}
