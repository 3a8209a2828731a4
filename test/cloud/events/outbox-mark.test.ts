/**
 * A transition that lands while the relay publishes an order's events keeps the order in the
 * outbox, and the next drain publishes only the new event: the household never hears of the
 * same order twice.
 */
import { expect, it } from 'vitest';
import { orderEventsSince } from '../../../cloud/core/events/order-events.ts';
import type { StoreUnderTest } from '../../helpers/stores.ts';
import { describeOnEveryStore } from '../../helpers/stores.ts';
import { button, sku, World } from '../../helpers/world.ts';

const household = { kind: 'household', id: 'hh-1' } as const;

async function pendingEventIds(store: StoreUnderTest): Promise<string[]> {
  const changes = await store.outbox.pendingChanges(100);
  return changes.flatMap((c) => orderEventsSince(c.order, c.published)).map((e) => e.eventId);
}

describeOnEveryStore('outbox marks', (open) => {
  it('a cancel between the relay reading an order and marking it published: only the cancel follows', async () => {
    const store = await open();
    await store.putSku(sku());
    await store.putButton(button('btn-1'));
    const world = new World(store, { drain: false });
    await world.device('btn-1').press();
    await world.commits.drain(store.commits);
    const read = await store.outbox.pendingChanges(100);
    expect(read.map((c) => c.order.orderId)).toEqual(['btn-1-1']);

    await world.orders.cancel('btn-1-1', household);
    await store.outbox.markPublished('btn-1-1', 1);

    expect(await pendingEventIds(store)).toEqual(['btn-1-1/2']);
    await store.outbox.markPublished('btn-1-1', 2);
    expect(await pendingEventIds(store)).toEqual([]);
  });
});
