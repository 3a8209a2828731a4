/**
 * StatsStore on the table. Each bucket is one item in the brand's partition
 * (`BRAND#{brand}` / `STATS#{day}#{sku}#{shard}`): counts as top-level numbers (`n_orders`,
 * `n_units`, `s_{status}`, `r_{currency}`), a marker `c_{orderId}` per order being counted,
 * and epochs `e_{0..15}`. Each order's settled count is an item of its own beside them
 * (`COUNTED#{orderId}`). Every write is one conditional UpdateItem, so no transaction is
 * needed (dynalite has none).
 *
 * A bucket written by the previous version carries a marker for every order it counted; such a
 * marker is read like any other, and the order's next event settles it out of the bucket.
 */
import { QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { epochOf } from '../../core/insight/brand-stats.ts';
import type {
  DayRange,
  StatsBucket,
  StatsBucketKey,
  StatsCounts,
  StatsOrder,
  StatsProgress,
  StatsStore,
} from '../../core/insight/stats-store.ts';
import type { OrderStatus } from '../../core/model.ts';
import { batchGet } from './batch-get.ts';
import { conditional, guarded } from './dynamo-errors.ts';
import type { Table } from './table.ts';
import { keys } from './table-keys.ts';

const PREFIX = 'STATS#';
const keyOf = (key: { pk: string; sk: string }) => `${key.pk}\u0000${key.sk}`;
const marker = (orderId: string) => `c_${orderId}`;
const epoch = (orderId: string) => `e_${epochOf(orderId)}`;

export class DynamoStatsStore implements StatsStore {
  constructor(private readonly table: Table) {}

  async progress(orders: readonly StatsOrder[]): Promise<StatsProgress[]> {
    // The buckets first: a settle that raced this read has then written the order's record.
    const buckets = await this.items(
      'statsProgress',
      orders.map(({ bucket }) => keys.stats(bucket)),
    );
    const seen = orders.map(({ bucket, orderId }) => {
      const item = buckets.get(keyOf(keys.stats(bucket)));
      const marked = item?.[marker(orderId)];
      return {
        marker: typeof marked === 'number' ? marked : null,
        epoch: Number(item?.[epoch(orderId)] ?? 0),
      };
    });
    const unmarked = orders.filter((_, i) => seen[i]?.marker === null);
    const records = await this.items(
      'statsCounted',
      unmarked.map(({ bucket, orderId }) => keys.statsCounted(bucket.brandId, orderId)),
    );
    return orders.map(({ bucket, orderId }, i) => {
      const { marker: marked, epoch: epochNow } = seen[i] as {
        marker: number | null;
        epoch: number;
      };
      if (marked !== null) return { counted: marked, marked: true, epoch: epochNow };
      const record = records.get(keyOf(keys.statsCounted(bucket.brandId, orderId)));
      return { counted: Number(record?.counted ?? 0), marked: false, epoch: epochNow };
    });
  }

  /** Consistent reads of the distinct keys, by key. */
  private async items(operation: string, wanted: { pk: string; sk: string }[]) {
    const distinct = new Map(wanted.map((key) => [keyOf(key), key]));
    const found = await batchGet(this.table, operation, [...distinct.values()]);
    return new Map(found.map((item) => [keyOf(item as { pk: string; sk: string }), item]));
  }

  async add(
    bucket: StatsBucketKey,
    orderId: string,
    from: StatsProgress,
    to: number,
    delta: StatsCounts,
  ): Promise<boolean> {
    const names: Record<string, string> = {
      '#c': marker(orderId),
      '#type': 'type',
      '#brand': 'brandId',
      '#day': 'day',
      '#sku': 'skuId',
      '#shard': 'shard',
    };
    const values: Record<string, unknown> = {
      ':to': to,
      ':zero': 0,
      ':type': 'stats',
      ':brand': bucket.brandId,
      ':day': bucket.day,
      ':sku': bucket.skuId,
      ':shard': bucket.shard,
    };
    const sets = [
      '#c = :to',
      '#type = :type',
      '#brand = :brand',
      '#day = :day',
      '#sku = :sku',
      '#shard = :shard',
    ];
    const counters: [string, number][] = [
      ['n_orders', delta.orders],
      ['n_units', delta.units],
      ['n_accidental', delta.accidental ?? 0],
      ...Object.entries(delta.byStatus).map(([s, n]): [string, number] => [`s_${s}`, n]),
      ...Object.entries(delta.revenueCents).map(([c, n]): [string, number] => [`r_${c}`, n]),
    ];
    counters.forEach(([attribute, n], i) => {
      if (n === 0) return;
      names[`#n${i}`] = attribute;
      values[`:n${i}`] = n;
      sets.push(`#n${i} = if_not_exists(#n${i}, :zero) + :n${i}`);
    });
    if (sets.length === 6) delete values[':zero'];
    let condition: string;
    if (from.marked) {
      condition = '#c = :from';
      values[':from'] = from.counted;
    } else {
      names['#e'] = epoch(orderId);
      condition = 'attribute_not_exists(#c) AND ';
      if (from.epoch === 0) condition += 'attribute_not_exists(#e)';
      else {
        condition += '#e = :epoch';
        values[':epoch'] = from.epoch;
      }
    }
    return conditional('statsAdd', () =>
      this.table.doc.send(
        new UpdateCommand({
          TableName: this.table.name,
          Key: keys.stats(bucket),
          UpdateExpression: `SET ${sets.join(', ')}`,
          ConditionExpression: condition,
          ExpressionAttributeNames: names,
          ExpressionAttributeValues: values,
        }),
      ),
    );
  }

  async settle(bucket: StatsBucketKey, orderId: string, to: number): Promise<void> {
    // Order matters: the record holds `to` before the marker goes, so no reader sees neither.
    await conditional('statsSettleOrder', () =>
      this.table.doc.send(
        new UpdateCommand({
          TableName: this.table.name,
          Key: keys.statsCounted(bucket.brandId, orderId),
          UpdateExpression: 'SET counted = :to, #type = :type',
          ConditionExpression: 'attribute_not_exists(counted) OR counted < :to',
          ExpressionAttributeNames: { '#type': 'type' },
          ExpressionAttributeValues: { ':to': to, ':type': 'statsCounted' },
        }),
      ),
    );
    await conditional('statsSettleBucket', () =>
      this.table.doc.send(
        new UpdateCommand({
          TableName: this.table.name,
          Key: keys.stats(bucket),
          UpdateExpression: 'REMOVE #c SET #e = if_not_exists(#e, :zero) + :one',
          ConditionExpression: '#c = :to',
          ExpressionAttributeNames: { '#c': marker(orderId), '#e': epoch(orderId) },
          ExpressionAttributeValues: { ':to': to, ':zero': 0, ':one': 1 },
        }),
      ),
    );
  }

  async buckets(brandId: string, range?: DayRange): Promise<StatsBucket[]> {
    const { pk } = keys.brand(brandId);
    const condition = range
      ? 'pk = :pk AND sk BETWEEN :from AND :to'
      : 'pk = :pk AND begins_with(sk, :prefix)';
    const values: Record<string, unknown> = range
      ? { ':pk': pk, ':from': `${PREFIX}${range.from}`, ':to': `${PREFIX}${range.to}#\uffff` }
      : { ':pk': pk, ':prefix': PREFIX };
    const buckets: StatsBucket[] = [];
    let start: Record<string, unknown> | undefined;
    do {
      const page = await guarded('statsBuckets', () =>
        this.table.doc.send(
          new QueryCommand({
            TableName: this.table.name,
            KeyConditionExpression: condition,
            ExpressionAttributeValues: values,
            ExclusiveStartKey: start,
          }),
        ),
      );
      for (const item of page.Items ?? []) buckets.push(bucketOfItem(item));
      start = page.LastEvaluatedKey;
    } while (start);
    return buckets;
  }
}

function bucketOfItem(item: Record<string, unknown>): StatsBucket {
  const counts: StatsCounts = {
    orders: Number(item.n_orders ?? 0),
    units: Number(item.n_units ?? 0),
    byStatus: {},
    revenueCents: {},
  };
  const accidental = Number(item.n_accidental ?? 0);
  if (accidental !== 0) counts.accidental = accidental;
  for (const [attribute, value] of Object.entries(item)) {
    if (typeof value !== 'number') continue;
    if (attribute.startsWith('s_')) counts.byStatus[attribute.slice(2) as OrderStatus] = value;
    else if (attribute.startsWith('r_')) counts.revenueCents[attribute.slice(2)] = value;
  }
  return {
    brandId: String(item.brandId),
    day: String(item.day),
    skuId: String(item.skuId),
    shard: Number(item.shard),
    counts,
  };
}
