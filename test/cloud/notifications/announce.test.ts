import { describe, expect, it } from 'vitest';
import type { Notification } from '../../../cloud/core/notifications/notification-store.ts';
import { HouseholdNotifier } from '../../../cloud/core/notifications/notify.ts';
import { memoryUnderTest } from '../../helpers/stores.ts';
import { button, sku, World } from '../../helpers/world.ts';

describe('household announcements', () => {
  it('go out only for a household that subscribed; every household still gets its notification', async () => {
    const store = memoryUnderTest();
    await store.putSku(sku());
    await store.putButton(button('btn-1'));
    await store.putButton({ ...button('btn-2'), householdId: 'hh-2' });
    const notifications = store.api.notifications;
    await notifications.putSubscription({
      householdId: 'hh-1',
      subscriptionId: 'sub-1',
      protocol: 'sms',
      endpoint: '+4915100000000',
      createdAt: 0,
      reference: 'sub-1',
    });
    const announced: Notification[] = [];
    const notifier = new HouseholdNotifier(notifications, {
      announce: async (n) => void announced.push(n),
    });
    const world = new World(store, { sinks: [notifier] });
    await world.device('btn-1').press();
    await world.device('btn-2').press();

    expect(announced.map((n) => `${n.householdId} ${n.kind}`)).toEqual(['hh-1 OrderPlaced']);
    for (const household of ['hh-1', 'hh-2']) {
      const page = await notifications.listNotifications(household, { limit: 10 });
      expect(
        page.items.map((n) => n.kind),
        household,
      ).toEqual(['OrderPlaced']);
    }
  });

  it('announce a batch only once its notifications are written, each household’s in event order', async () => {
    const store = memoryUnderTest();
    await store.putSku(sku());
    await store.putButton(button('btn-1'));
    await store.putButton({ ...button('btn-2'), householdId: 'hh-2' });
    await store.putButton(button('btn-3'));
    await store.putButton({ ...button('btn-4'), householdId: 'hh-2' });
    const notifications = store.api.notifications;
    for (const householdId of ['hh-1', 'hh-2']) {
      await notifications.putSubscription({
        householdId,
        subscriptionId: `sub-${householdId}`,
        protocol: 'email',
        endpoint: `${householdId}@example.org`,
        createdAt: 0,
        reference: `sub-${householdId}`,
      });
    }
    const announced: string[] = [];
    const notifier = new HouseholdNotifier(notifications, {
      announce: async (n) => {
        const listed = await notifications.listNotifications(n.householdId, { limit: 100 });
        expect(listed.items.map((l) => l.notificationId)).toContain(n.notificationId);
        announced.push(`${n.householdId} ${n.notificationId} ${n.kind}`);
      },
    });
    const world = new World(store, { sinks: [notifier], drain: false });
    for (const id of ['btn-1', 'btn-2', 'btn-3', 'btn-4']) await world.device(id).press();
    // One batch: every order's event at once.
    expect(await world.drain()).toBe(4);

    const inEventOrder = world.events.map((e) => `${e.householdId} ${e.eventId} ${e.type}`);
    for (const householdId of ['hh-1', 'hh-2']) {
      const mine = (line: string) => line.startsWith(`${householdId} `);
      expect(announced.filter(mine), householdId).toEqual(inEventOrder.filter(mine));
    }
    expect(announced).toHaveLength(4);
  });
});
