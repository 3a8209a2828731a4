/**
 * Brand statistics on the table stay small on a busy day: a bucket item holds its counts and
 * the orders being counted at that moment, never one entry per order of its day, so no day can
 * push it towards DynamoDB's 400 KB item limit and each write costs one unit. A bucket the
 * previous version wrote, with an entry per order counted, keeps counting right.
 */
import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { orderEventsSince } from '../../../cloud/core/events/order-events.ts';
import { bucketOf, StatsCounter, totalsOf } from '../../../cloud/core/insight/brand-stats.ts';
import { type DynaliteServer, startDynalite } from '../../../cloud/store/dynamo/dynalite-server.ts';
import { DynamoStatsStore } from '../../../cloud/store/dynamo/dynamo-stats-store.ts';
import { ensureTable, openTable, type Table } from '../../../cloud/store/dynamo/table.ts';
import { keys } from '../../../cloud/store/dynamo/table-keys.ts';
import { orderThrough, progressOf, totalsOfOrders } from '../../helpers/stats.ts';
import { dynamoUnderTest } from '../../helpers/stores.ts';
import { BRAND } from '../../helpers/world.ts';

let server: DynaliteServer;
let table: Table;
beforeAll(async () => {
  server = await startDynalite();
  table = openTable({ tableName: 'stats-buckets', endpoint: server.endpoint });
  await ensureTable(table);
});
afterAll(async () => {
  table.raw.destroy();
  await server.close();
});

async function bucketItems(skuId: string) {
  const items = (await dynamoUnderTest(table).snapshot()) as Record<string, unknown>[];
  return items.filter((item) => String(item.sk).startsWith(`STATS#`) && item.skuId === skuId);
}

it('keeps every bucket item under one write unit after a day of 800 orders of one SKU', async () => {
  const stats = new DynamoStatsStore(table);
  const orders = Array.from({ length: 800 }, (_, i) =>
    orderThrough(`busy-${i}-1`, i % 2 ? ['PLACED', 'CONFIRMED'] : ['PLACED'], { skuId: 'busy' }),
  );
  await new StatsCounter(stats).emit(orders.flatMap((o) => orderEventsSince(o, 0)));
  expect(totalsOf(BRAND, await stats.buckets(BRAND)).orders).toBeGreaterThanOrEqual(800);
  const items = await bucketItems('busy');
  expect(items.length).toBeGreaterThan(0);
  for (const item of items) {
    expect(Object.keys(item).filter((name) => name.startsWith('c_'))).toEqual([]);
    expect(JSON.stringify(item).length).toBeLessThan(1024);
  }
  const busy = (await stats.buckets(BRAND)).filter((b) => b.skuId === 'busy');
  expect(totalsOf(BRAND, busy)).toEqual(totalsOfOrders(orders));
});

it('goes on counting, once, from a bucket the previous version wrote with an entry per order', async () => {
  const stats = new DynamoStatsStore(table);
  const placed = orderThrough('old-1', ['PLACED', 'CONFIRMED'], { skuId: 'legacy' });
  // The previous version: the order's first event counted, its marker kept in the bucket.
  await table.doc.send(
    new UpdateCommand({
      TableName: table.name,
      Key: keys.stats(bucketOf(placed)),
      UpdateExpression:
        'SET #type = :type, brandId = :brand, #day = :day, skuId = :sku, #shard = :shard, n_orders = :one, s_PLACED = :one, #c = :one',
      ExpressionAttributeNames: {
        '#type': 'type',
        '#day': 'day',
        '#shard': 'shard',
        '#c': 'c_old-1',
      },
      ExpressionAttributeValues: {
        ':type': 'stats',
        ':brand': BRAND,
        ':day': bucketOf(placed).day,
        ':sku': 'legacy',
        ':shard': bucketOf(placed).shard,
        ':one': 1,
      },
    }),
  );
  const counter = new StatsCounter(stats);
  const events = orderEventsSince(placed, 0);
  await counter.emit(events);
  await counter.emit(events);
  const legacy = (await stats.buckets(BRAND)).filter((b) => b.skuId === 'legacy');
  expect(totalsOf(BRAND, legacy)).toEqual(totalsOfOrders([placed]));
  expect(await progressOf(stats, bucketOf(placed), 'old-1')).toMatchObject({
    counted: 2,
    marked: false,
  });
  const [item] = await bucketItems('legacy');
  expect(item?.['c_old-1']).toBeUndefined();
});
