/**
 * The next-need reminder through the real press pipeline and the sweep, on every store: a
 * delivery arms the button's timer, the sweep moves it to the next-need date and, once that
 * date passes without a new order, writes one reminder — once, whatever the retries.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import { DAY_MS } from '../../cloud/core/guard/rhythm.ts';
import type { ButtonSettings } from '../../cloud/core/model.ts';
import type { Notification } from '../../cloud/core/notifications/notification-store.ts';
import type { ReminderStore } from '../../cloud/core/reminders/reminder-store.ts';
import { REMINDER_KIND, Reminders, reminderId } from '../../cloud/core/reminders/reminders.ts';
import type { StoreUnderTest } from '../helpers/stores.ts';
import { button, sku, type VirtualDevice, World } from '../helpers/world.ts';

const brand = { kind: 'brand', id: 'acme' } as const;
const HOUR = 60 * 60_000;

export function reminderContract(open: () => Promise<StoreUnderTest>): void {
  describe('contract', () => {
    let store: StoreUnderTest;
    let world: World;
    let reminders: Reminders;

    beforeEach(async () => {
      store = await open();
      world = new World(store);
      reminders = remindersOn(store.reminders);
      await store.putSku(sku());
    });

    const remindersOn = (reminderStore: ReminderStore) =>
      new Reminders({ store: reminderStore, clock: world.clock, log: world.log });

    async function withButton(settings: Partial<ButtonSettings> = {}): Promise<VirtualDevice> {
      await store.putButton(button('btn-r', { remindWhenDue: true, ...settings }));
      return world.device('btn-r');
    }

    async function orderAndDeliver(device: VirtualDevice): Promise<string> {
      const { outcome, orderId } = await device.press();
      expect(outcome).toBe('ORDERED');
      world.clock.advance(31 * 60_000);
      await world.orders.sweep();
      await world.orders.ship(orderId as string, brand);
      await world.orders.deliver(orderId as string, brand);
      return orderId as string;
    }

    /** Orders every `days` days; returns when the last one was placed. */
    async function historyEvery(device: VirtualDevice, days: number, orders: number) {
      let last = 0;
      for (let i = 0; i < orders; i++) {
        if (i > 0) world.clock.advance(days * DAY_MS - 31 * 60_000);
        last = world.clock.now();
        await orderAndDeliver(device);
      }
      return last;
    }

    async function reminders_(): Promise<Notification[]> {
      const page = await store.api.notifications.listNotifications('hh-1', { limit: 50 });
      return page.items.filter((n) => n.kind === REMINDER_KIND);
    }

    it('reminds once when the next-need date passes without a press, in both languages', async () => {
      const device = await withButton();
      const last = await historyEvery(device, 20, 4);
      const dueAt = last + 20 * DAY_MS;
      // The delivery armed the timer; the first sweep moves it to the next-need date.
      expect((await reminders.sweep()).reminded).toBe(0);
      expect(await store.reminders.listDueReminders(dueAt - 1, 10)).toEqual([]);
      expect(await store.reminders.listDueReminders(dueAt, 10)).toEqual([
        { deviceId: 'btn-r', at: dueAt },
      ]);
      world.clock.time = dueAt - HOUR;
      expect((await reminders.sweep()).reminded).toBe(0);
      expect(await reminders_()).toEqual([]);

      world.clock.time = dueAt + HOUR;
      expect((await reminders.sweep()).reminded).toBe(1);
      expect((await reminders.sweep()).reminded).toBe(0);
      world.clock.advance(3 * DAY_MS);
      expect((await reminders.sweep()).reminded).toBe(0);
      const sent = await reminders_();
      expect(sent).toEqual([
        {
          householdId: 'hh-1',
          notificationId: reminderId('btn-r', 'coffee', dueAt),
          at: dueAt,
          kind: REMINDER_KIND,
          orderId: null,
          message: sent[0]?.texts?.en,
          texts: {
            en: 'Running low on Coffee beans 1 kg? You usually order it every 20 days; the last order was 20 days ago. Press the button to order more.',
            fr: 'Bientôt à court de Coffee beans 1 kg ? Vous en commandez habituellement tous les 20 jours ; la dernière commande date d’il y a 20 jours. Appuyez sur le bouton pour en recommander.',
          },
        },
      ]);
      expect(await store.reminders.listDueReminders(world.clock.now(), 10)).toEqual([]);
    });

    it('sends one reminder when two sweeps run at once or one dies between its writes', async () => {
      const device = await withButton();
      const last = await historyEvery(device, 20, 3);
      await reminders.sweep();
      world.clock.time = last + 21 * DAY_MS;
      let crashes = 1;
      const crashing: ReminderStore = {
        listDueReminders: (before, limit) => store.reminders.listDueReminders(before, limit),
        loadReminder: (deviceId) => store.reminders.loadReminder(deviceId),
        addReminder: (note) => store.reminders.addReminder(note),
        moveReminder: async (deviceId, from, to) => {
          if (to === null && crashes-- > 0) throw new Error('crash after the reminder');
          return store.reminders.moveReminder(deviceId, from, to);
        },
      };
      await expect(remindersOn(crashing).sweep()).rejects.toThrow('crash after the reminder');
      expect(await reminders_()).toHaveLength(1);
      const again = await Promise.all([reminders.sweep(), reminders.sweep()]);
      expect(again.map((r) => r.reminded)).toEqual([0, 0]);
      expect(await reminders_()).toHaveLength(1);
      expect(await store.reminders.listDueReminders(world.clock.now(), 10)).toEqual([]);
    });

    it('uses the brand’s usual interval until the household has a rhythm', async () => {
      await store.putSku(sku({ usualIntervalDays: 30 }));
      const device = await withButton();
      const last = await historyEvery(device, 30, 1);
      await reminders.sweep();
      world.clock.time = last + 29 * DAY_MS;
      expect((await reminders.sweep()).reminded).toBe(0);
      world.clock.time = last + 31 * DAY_MS;
      expect((await reminders.sweep()).reminded).toBe(1);
      expect((await reminders_())[0]?.at).toBe(last + 30 * DAY_MS);
    });

    for (const [why, settings] of [
      ['the household did not opt in', { remindWhenDue: false }],
      ['learning is off', { learnRhythm: false }],
    ] as const) {
      it(`sends nothing when ${why}`, async () => {
        await store.putSku(sku({ usualIntervalDays: 20 }));
        const device = await withButton(settings);
        const last = await historyEvery(device, 20, 4);
        await reminders.sweep();
        world.clock.time = last + 25 * DAY_MS;
        expect((await reminders.sweep()).reminded).toBe(0);
        expect(await reminders_()).toEqual([]);
        expect(await store.reminders.listDueReminders(world.clock.now(), 10)).toEqual([]);
      });
    }

    it('sends nothing when the household pressed before the date (an order is open)', async () => {
      const device = await withButton();
      const last = await historyEvery(device, 20, 4);
      await reminders.sweep();
      world.clock.time = last + 19 * DAY_MS;
      expect((await device.press()).outcome).toBe('ORDERED');
      world.clock.time = last + 21 * DAY_MS;
      expect((await reminders.sweep()).reminded).toBe(0);
      expect(await reminders_()).toEqual([]);
    });

    it('sends nothing for a date that had passed when the delivery taught it', async () => {
      await store.putSku(sku({ usualIntervalDays: 2 }));
      const device = await withButton();
      const { orderId } = await device.press();
      const placedAt = world.clock.now();
      world.clock.advance(31 * 60_000);
      await world.orders.sweep();
      await world.orders.ship(orderId as string, brand);
      world.clock.time = placedAt + 3 * DAY_MS;
      await world.orders.deliver(orderId as string, brand);
      expect((await reminders.sweep()).reminded).toBe(0);
      expect(await reminders_()).toEqual([]);
      expect(await store.reminders.listDueReminders(world.clock.now(), 10)).toEqual([]);
    });

    it('forgets the timer when the household releases the button', async () => {
      const device = await withButton();
      const last = await historyEvery(device, 20, 3);
      await reminders.sweep();
      expect(await store.api.buttons.releaseHousehold('btn-r', 'hh-1')).not.toBeUndefined();
      expect(await store.reminders.listDueReminders(last + 30 * DAY_MS, 10)).toEqual([]);
    });

    it('moves a timer only from where it is, and writes a reminder only once', async () => {
      const device = await withButton();
      await historyEvery(device, 20, 1);
      const [armed] = await store.reminders.listDueReminders(world.clock.now(), 10);
      expect(armed?.deviceId).toBe('btn-r');
      const at = armed?.at as number;
      expect((await store.reminders.loadReminder('btn-r'))?.timerAt).toBe(at);
      expect(await store.reminders.moveReminder('btn-r', at + 1, at + 5)).toBe(false);
      expect(await store.reminders.moveReminder('btn-r', at, at + 5)).toBe(true);
      expect(await store.reminders.moveReminder('btn-r', at, null)).toBe(false);
      expect(await store.reminders.moveReminder('btn-r', at + 5, null)).toBe(true);
      expect((await store.reminders.loadReminder('btn-r'))?.timerAt).toBeNull();
      expect(await store.reminders.loadReminder('nobody')).toBeNull();
      const note: Notification = {
        householdId: 'hh-1',
        notificationId: 'due-x',
        at,
        kind: REMINDER_KIND,
        orderId: null,
        message: 'first',
      };
      expect(await store.reminders.addReminder(note)).toBe(true);
      expect(await store.reminders.addReminder({ ...note, message: 'second' })).toBe(false);
      expect((await reminders_()).map((n) => n.message)).toEqual(['first']);
    });
  });
}
