/**
 * A table written by the previous version keeps working: buttons holding whole orders in their
 * open list, and waiting orders in the household, brand and timer indexes (gsi3 `TIMER#…`).
 * They read back as they were, list, and the sweep confirms them from the old timer index. Its
 * table lacks the commit index: the upgrade adds it (on dynalite by rebuilding the table, which
 * an interruption at any step does not harm) and hands the open orders of its buttons to the
 * commit relay, which writes the order item a crash of the previous version left unwritten.
 */
import {
  BatchWriteItemCommand,
  CreateTableCommand,
  DeleteTableCommand,
  DescribeTableCommand,
  ListTablesCommand,
  ScanCommand,
} from '@aws-sdk/client-dynamodb';
import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Order } from '../../../cloud/core/model.ts';
import { type DynaliteServer, startDynalite } from '../../../cloud/store/dynamo/dynalite-server.ts';
import {
  ensureTable,
  openTable,
  type Table,
  tableDefinition,
} from '../../../cloud/store/dynamo/table.ts';
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

/** The previous version's table definition: no commit index. */
function previousDefinition(name: string) {
  const definition = tableDefinition(name);
  return {
    ...definition,
    AttributeDefinitions: definition.AttributeDefinitions?.filter(
      (a) => !a.AttributeName?.startsWith('commit'),
    ),
    GlobalSecondaryIndexes: definition.GlobalSecondaryIndexes?.filter(
      (index) => index.IndexName !== 'commits',
    ),
  };
}

/** dynalite creates a table a moment after it answers. */
async function createTable(on: Table, definition: ReturnType<typeof tableDefinition>) {
  await on.raw.send(new CreateTableCommand(definition));
  for (;;) {
    const described = await on.raw.send(
      new DescribeTableCommand({ TableName: definition.TableName }),
    );
    if (described.Table?.TableStatus === 'ACTIVE') return;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

async function scanAll(on: Table, name = on.name) {
  const items = [];
  let start: Record<string, never> | undefined;
  do {
    const page = await on.raw.send(new ScanCommand({ TableName: name, ExclusiveStartKey: start }));
    items.push(...(page.Items ?? []));
    start = page.LastEvaluatedKey as typeof start;
  } while (start);
  return items;
}

async function putAll(on: Table, name: string, items: Awaited<ReturnType<typeof scanAll>>) {
  for (let i = 0; i < items.length; i += 25) {
    const batch = items.slice(i, i + 25).map((Item) => ({ PutRequest: { Item } }));
    await on.raw.send(new BatchWriteItemCommand({ RequestItems: { [name]: batch } }));
  }
}

/**
 * A previous version's table named `name`: two buttons with an order each, one of them cut by a
 * crash between its claim and its order item. Returns the complete order.
 */
async function previousVersionTable(name: string): Promise<{ on: Table; fine: Order }> {
  const built = openTable({ tableName: `${name}-built`, endpoint: server.endpoint });
  await ensureTable(built);
  const store = dynamoUnderTest(built);
  await store.putSku(sku());
  await store.putButton(button('btn-crashed'));
  await store.putButton(button('btn-fine'));
  const world = new World(store);
  const crashed = await store.orders.getOrder(
    (await world.device('btn-crashed').press()).orderId ?? '',
  );
  const fine = (await store.orders.getOrder(
    (await world.device('btn-fine').press()).orderId ?? '',
  )) as Order;
  await asPreviousVersion(crashed as Order, built);
  await asPreviousVersion(fine, built);
  const items = (await scanAll(built)).filter(
    // The previous version's handler died between its claim and its order write.
    (item) => !(item.pk?.S === 'BTN#btn-crashed' && item.sk?.S?.startsWith('PRESS#')),
  );
  built.raw.destroy();
  const on = openTable({ tableName: name, endpoint: server.endpoint });
  await createTable(on, previousDefinition(name));
  await putAll(on, name, items);
  return { on, fine };
}

async function expectUpgraded(on: Table, fine: Order): Promise<void> {
  const described = await on.raw.send(new DescribeTableCommand({ TableName: on.name }));
  expect(described.Table?.GlobalSecondaryIndexes?.map((index) => index.IndexName)).toContain(
    'commits',
  );
  const tables = (await on.raw.send(new ListTablesCommand({}))).TableNames ?? [];
  expect(tables.filter((t) => t.startsWith(`${on.name}-rebuild`))).toEqual([]);
  const store = dynamoUnderTest(on);
  const world = new World(store);
  await world.drain();
  expect(await store.orders.getOrder('btn-fine-1')).toEqual(fine);
  expect(await store.orders.getOrder('btn-crashed-1')).toMatchObject({ status: 'PLACED' });
  world.clock.advance(31 * 60_000);
  await world.orders.sweep();
  expect(await store.orders.getOrder('btn-crashed-1')).toMatchObject({ status: 'CONFIRMED' });
  expect(await store.orders.getOrder('btn-fine-1')).toMatchObject({ status: 'CONFIRMED' });
  on.raw.destroy();
}

it("upgrades the previous version's table, and relays the order a crash left half-written", async () => {
  const { on, fine } = await previousVersionTable('upgrade-whole');
  const items = (await scanAll(on)).length;
  const steps: string[] = [];
  expect(await ensureTable(on, (message) => steps.push(message))).toBe('existed');
  expect(steps.at(-1)).toBe('upgrading the table: done');
  expect(await scanAll(on)).toHaveLength(items);
  await expectUpgraded(on, fine);
});

it('finishes an upgrade cut after the table was deleted, and restarts one cut while copying out', async () => {
  // Cut after the original was deleted: only the complete copy is left.
  const deleted = await previousVersionTable('upgrade-deleted');
  const spare = 'upgrade-deleted-rebuild';
  await createTable(deleted.on, tableDefinition(spare));
  await putAll(deleted.on, spare, await scanAll(deleted.on));
  await deleted.on.raw.send(new DeleteTableCommand({ TableName: deleted.on.name }));
  expect(await ensureTable(deleted.on)).toBe('existed');
  await expectUpgraded(deleted.on, deleted.fine);

  // Cut while copying out: the original is whole, the copy is not.
  const copying = await previousVersionTable('upgrade-copying');
  const partial = 'upgrade-copying-rebuild';
  await createTable(copying.on, tableDefinition(partial));
  await putAll(copying.on, partial, (await scanAll(copying.on)).slice(0, 2));
  expect(await ensureTable(copying.on)).toBe('existed');
  await expectUpgraded(copying.on, copying.fine);
});
