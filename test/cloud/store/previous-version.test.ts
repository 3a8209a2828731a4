/**
 * A table written by the previous version keeps working: buttons holding whole orders in their
 * open list, and waiting orders in the household, brand and timer indexes (gsi3 `TIMER#…`).
 * They read back as they were, list, and the sweep confirms them from the old timer index.
 */
import { DeleteCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Order } from '../../../cloud/core/model.ts';
import { type DynaliteServer, startDynalite } from '../../../cloud/store/dynamo/dynalite-server.ts';
import { markUnrelayedClaims } from '../../../cloud/store/dynamo/mark-unrelayed-claims.ts';
import { ensureTable, openTable, type Table } from '../../../cloud/store/dynamo/table.ts';
import { keys, timeKey } from '../../../cloud/store/dynamo/table-keys.ts';
import { dynamoUnderTest } from '../../helpers/stores.ts';
import { BRAND, button, sku, World } from '../../helpers/world.ts';

let server: DynaliteServer;
let table: Table;
beforeAll(async () => {
  server = await startDynalite();
  table = openTable({ tableName: 'previous-version', endpoint: server.endpoint });
  await ensureTable(table);
});
afterAll(async () => {
  table.raw.destroy();
  await server.close();
});

/** Rewrites a new order's items as the previous version wrote them. */
async function asPreviousVersion(order: Order, on: Table = table): Promise<void> {
  await on.doc.send(
    new UpdateCommand({
      TableName: on.name,
      Key: keys.button(order.deviceId),
      UpdateExpression: 'SET #open = :open',
      ExpressionAttributeNames: { '#open': 'open' },
      ExpressionAttributeValues: { ':open': [order] },
    }),
  );
  await on.doc.send(
    new UpdateCommand({
      TableName: on.name,
      Key: keys.press(order.deviceId, order.seq),
      UpdateExpression:
        'SET gsi1pk = :g1pk, gsi1sk = :g1sk, gsi2pk = :g2pk, gsi2sk = :g2sk, gsi3pk = :g3pk, gsi3sk = :g3sk',
      ExpressionAttributeValues: {
        ':g1pk': `HH#${order.householdId}`,
        ':g1sk': `ORDER#${timeKey(order.placedAt)}#${order.orderId}`,
        ':g2pk': `BRAND#${order.brandId}#PLACED`,
        ':g2sk': `${timeKey(order.placedAt)}#${order.orderId}`,
        ':g3pk': 'TIMER#7',
        ':g3sk': `${timeKey(order.cancelDeadline)}#${order.orderId}`,
      },
    }),
  );
}

it('orders and buttons written by the previous version read, list and confirm as before', async () => {
  const store = dynamoUnderTest(table);
  await store.putSku(sku());
  await store.putButton(button('btn-old'));
  await store.putButton(button('btn-new'));
  const world = new World(store);
  const old = await store.orders.getOrder((await world.device('btn-old').press()).orderId ?? '');
  await asPreviousVersion(old as Order);
  world.clock.advance(60_000);
  await world.device('btn-new').press();

  expect(await store.orders.getOrder('btn-old-1')).toEqual(old);
  expect((await store.api.buttons.getButton('btn-old'))?.open).toEqual([old]);
  const listed = await store.orders.listHouseholdOrders('hh-1', { limit: 1 });
  expect(listed.items.map((o) => o.orderId)).toEqual(['btn-new-1', 'btn-old-1']);

  world.clock.advance(31 * 60_000);
  expect(await world.orders.sweep()).toEqual({ confirmed: 2, expired: 0 });
  expect(await world.orders.sweep()).toEqual({ confirmed: 0, expired: 0 });
  expect(await store.orders.listDue(world.clock.now(), 10)).toEqual([]);
  const confirmed = await store.orders.listBrandOrders(BRAND, 'CONFIRMED', { limit: 10 });
  expect(confirmed.items.map((o) => o.orderId).sort()).toEqual(['btn-new-1', 'btn-old-1']);
  expect((await store.orders.listBrandOrders(BRAND, 'PLACED', { limit: 10 })).items).toEqual([]);
});

it("an order whose item the previous version's crash left unwritten is relayed once after the upgrade", async () => {
  // A table of its own: the buttons above hold open orders too.
  const upgraded = openTable({ tableName: 'previous-version-crash', endpoint: server.endpoint });
  await ensureTable(upgraded);
  const store = dynamoUnderTest(upgraded);
  await store.putSku(sku());
  await store.putButton(button('btn-crashed'));
  await store.putButton(button('btn-fine'));
  const world = new World(store);
  const crashed = await store.orders.getOrder(
    (await world.device('btn-crashed').press()).orderId ?? '',
  );
  const fine = await store.orders.getOrder((await world.device('btn-fine').press()).orderId ?? '');
  await asPreviousVersion(crashed as Order, upgraded);
  await asPreviousVersion(fine as Order, upgraded);
  // The previous version's handler died between its claim and its order write.
  await upgraded.doc.send(
    new DeleteCommand({
      TableName: upgraded.name,
      Key: keys.press('btn-crashed', (crashed as Order).seq),
    }),
  );
  const before = await store.snapshot();
  expect(await world.drain()).toBe(0);
  expect(await store.snapshot()).toEqual(before);

  expect(await markUnrelayedClaims(upgraded)).toBe(2);
  await world.drain();
  expect(await store.orders.getOrder('btn-crashed-1')).toMatchObject({
    orderId: 'btn-crashed-1',
    status: 'PLACED',
  });
  expect(await store.orders.getOrder('btn-fine-1')).toEqual(fine);

  world.clock.advance(31 * 60_000);
  await world.orders.sweep();
  expect(await store.orders.getOrder('btn-crashed-1')).toMatchObject({ status: 'CONFIRMED' });
  upgraded.raw.destroy();
});
