/**
 * StatsStore on the table: one item per bucket in the brand's partition
 * (`BRAND#{brand}` / `STATS#{day}#{sku}#{shard}`). Counts are top-level numbers (`n_orders`,
 * `n_units`, `s_{status}`, `r_{currency}`) and each counted order has a marker `c_{orderId}`
 * with its number of counted events; one UpdateItem changes both under a condition on the
 * marker, so no transaction is needed (dynalite has none).
 */
import { GetCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type {
  DayRange,
  StatsBucket,
  StatsBucketKey,
  StatsCounts,
  StatsStore,
} from '../../core/insight/stats-store.ts';
import type { OrderStatus } from '../../core/model.ts';
import { conditional, guarded } from './dynamo-errors.ts';
import type { Table } from './table.ts';
import { keys } from './table-keys.ts';

const PREFIX = 'STATS#';
const marker = (orderId: string) => `c_${orderId}`;

export class DynamoStatsStore implements StatsStore {
  constructor(private readonly table: Table) {}

  async counted(bucket: StatsBucketKey, orderId: string): Promise<number> {
    const out = await guarded('statsCounted', () =>
      this.table.doc.send(
        new GetCommand({
          TableName: this.table.name,
          Key: keys.stats(bucket),
          ProjectionExpression: '#c',
          ExpressionAttributeNames: { '#c': marker(orderId) },
          ConsistentRead: true,
        }),
      ),
    );
    const value = out.Item?.[marker(orderId)];
    return typeof value === 'number' ? value : 0;
  }

  async add(
    bucket: StatsBucketKey,
    orderId: string,
    from: number,
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
    if (from > 0) values[':from'] = from;
    return conditional('statsAdd', () =>
      this.table.doc.send(
        new UpdateCommand({
          TableName: this.table.name,
          Key: keys.stats(bucket),
          UpdateExpression: `SET ${sets.join(', ')}`,
          ConditionExpression: from === 0 ? 'attribute_not_exists(#c)' : '#c = :from',
          ExpressionAttributeNames: names,
          ExpressionAttributeValues: values,
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
