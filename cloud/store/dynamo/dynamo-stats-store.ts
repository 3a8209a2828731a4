/**
 * StatsStore on the table. Each bucket is one item in the brand's partition
 * (`BRAND#{brand}` / `STATS#{day}#{sku}#{shard}`): counts as top-level numbers (`n_orders`,
 * `n_units`, `s_{status}`, `r_{currency}`), a marker `c_{orderId}` per order being counted,
 * and epochs `e_{0..15}`. Each order's settled count is an item of its own beside them
 * (`COUNTED#{orderId}`). Every write is one conditional UpdateItem — a bucket's covers up to
 * STATS_ORDERS_PER_WRITE orders at once — so no transaction is needed (dynalite has none).
 *
 * A bucket written by the previous version carries a marker for every order it counted; such a
 * marker is read like any other, and the order's next event settles it out of the bucket.
 */
import { QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { epochOf } from '../../core/insight/brand-stats.ts';
import type {
  DayRange,
  StatsAddition,
  StatsBucket,
  StatsBucketKey,
  StatsCounts,
  StatsOrder,
  StatsProgress,
  StatsSettlement,
  StatsStore,
} from '../../core/insight/stats-store.ts';
import type { OrderStatus } from '../../core/model.ts';
import { batchGetInOrder } from './batch-get.ts';
import { conditional, guarded } from './dynamo-errors.ts';
import type { Table } from './table.ts';
import { keys } from './table-keys.ts';

const PREFIX = 'STATS#';
const marker = (orderId: string) => `c_${orderId}`;
const epoch = (orderId: string) => `e_${epochOf(orderId)}`;

export class DynamoStatsStore implements StatsStore {
  constructor(private readonly table: Table) {}

  async progress(orders: readonly StatsOrder[]): Promise<StatsProgress[]> {
    // The buckets first: a settle that raced this read has then written the order's record.
    const buckets = await batchGetInOrder(
      this.table,
      'statsProgress',
      orders.map(({ bucket }) => keys.stats(bucket)),
    );
    const seen = orders.map(({ orderId }, i) => {
      const marked = buckets[i]?.[marker(orderId)];
      return {
        marker: typeof marked === 'number' ? marked : null,
        epoch: Number(buckets[i]?.[epoch(orderId)] ?? 0),
      };
    });
    const unmarked = orders.filter((_, i) => seen[i]?.marker === null);
    const records = await batchGetInOrder(
      this.table,
      'statsCounted',
      unmarked.map(({ bucket, orderId }) => keys.statsCounted(bucket.brandId, orderId)),
    );
    let next = 0;
    return seen.map(({ marker: marked, epoch: epochNow }) => {
      if (marked !== null) return { counted: marked, marked: true, epoch: epochNow };
      const record = records[next++];
      return { counted: Number(record?.counted ?? 0), marked: false, epoch: epochNow };
    });
  }

  async add(bucket: StatsBucketKey, additions: readonly StatsAddition[]): Promise<boolean> {
    if (additions.length === 0) return true;
    const x = new Expression();
    const sets = Object.entries({
      type: 'stats',
      brandId: bucket.brandId,
      day: bucket.day,
      skuId: bucket.skuId,
      shard: bucket.shard,
    }).map(([attribute, value]) => `${x.name(attribute)} = ${x.value(value)}`);
    const counters = new Map<string, number>();
    const conditions: string[] = [];
    for (const { orderId, from, to, delta } of additions) {
      for (const [attribute, n] of countersOf(delta)) {
        counters.set(attribute, (counters.get(attribute) ?? 0) + n);
      }
      const c = x.name(marker(orderId));
      sets.push(`${c} = ${x.value(to)}`);
      if (from.marked) conditions.push(`${c} = ${x.value(from.counted)}`);
      else {
        const e = x.name(epoch(orderId));
        conditions.push(
          `attribute_not_exists(${c})`,
          from.epoch === 0 ? `attribute_not_exists(${e})` : `${e} = ${x.value(from.epoch)}`,
        );
      }
    }
    const moved = [...counters].filter(([, n]) => n !== 0);
    const zero = moved.length > 0 ? x.value(0) : '';
    for (const [attribute, n] of moved) {
      const a = x.name(attribute);
      sets.push(`${a} = if_not_exists(${a}, ${zero}) + ${x.value(n)}`);
    }
    return conditional('statsAdd', () =>
      this.table.doc.send(
        new UpdateCommand({
          TableName: this.table.name,
          Key: keys.stats(bucket),
          UpdateExpression: `SET ${sets.join(', ')}`,
          ConditionExpression: conditions.join(' AND '),
          ...x.attributes(),
        }),
      ),
    );
  }

  async settle(bucket: StatsBucketKey, settlements: readonly StatsSettlement[]): Promise<void> {
    if (settlements.length === 0) return;
    // Order matters: the records hold `to` before the markers go, so no reader sees neither.
    await Promise.all(settlements.map((s) => this.settleRecord(bucket.brandId, s)));
    if (await this.removeMarkers(bucket, settlements)) return;
    // A marker moved on (a later event of its order is being counted): the others still go.
    if (settlements.length > 1) {
      await Promise.all(settlements.map((s) => this.removeMarkers(bucket, [s])));
    }
  }

  private settleRecord(brandId: string, { orderId, to }: StatsSettlement): Promise<boolean> {
    return conditional('statsSettleOrder', () =>
      this.table.doc.send(
        new UpdateCommand({
          TableName: this.table.name,
          Key: keys.statsCounted(brandId, orderId),
          UpdateExpression: 'SET counted = :to, #type = :type',
          ConditionExpression: 'attribute_not_exists(counted) OR counted < :to',
          ExpressionAttributeNames: { '#type': 'type' },
          ExpressionAttributeValues: { ':to': to, ':type': 'statsCounted' },
        }),
      ),
    );
  }

  /** Takes the markers out if every one still says its `to`, raising their epochs; all or none. */
  private removeMarkers(
    bucket: StatsBucketKey,
    settlements: readonly StatsSettlement[],
  ): Promise<boolean> {
    const x = new Expression();
    const conditions = settlements.map(
      ({ orderId, to }) => `${x.name(marker(orderId))} = ${x.value(to)}`,
    );
    const removed = [...new Set(settlements.map(({ orderId }) => x.name(marker(orderId))))];
    const zero = x.value(0);
    const one = x.value(1);
    const raised = [...new Set(settlements.map(({ orderId }) => x.name(epoch(orderId))))].map(
      (e) => `${e} = if_not_exists(${e}, ${zero}) + ${one}`,
    );
    return conditional('statsSettleBucket', () =>
      this.table.doc.send(
        new UpdateCommand({
          TableName: this.table.name,
          Key: keys.stats(bucket),
          UpdateExpression: `REMOVE ${removed.join(', ')} SET ${raised.join(', ')}`,
          ConditionExpression: conditions.join(' AND '),
          ...x.attributes(),
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

/** The bucket's counter attributes a delta moves, and by how much. */
function countersOf(delta: StatsCounts): [string, number][] {
  return [
    ['n_orders', delta.orders],
    ['n_units', delta.units],
    ['n_accidental', delta.accidental ?? 0],
    ...Object.entries(delta.byStatus).map(([s, n]): [string, number] => [`s_${s}`, n]),
    ...Object.entries(delta.revenueCents).map(([c, n]): [string, number] => [`r_${c}`, n]),
  ];
}

/** Placeholders for an update's attribute names and values; one name per attribute. */
class Expression {
  private readonly names = new Map<string, string>();
  private readonly values: Record<string, unknown> = {};
  private count = 0;

  name(attribute: string): string {
    let placeholder = this.names.get(attribute);
    if (!placeholder) {
      placeholder = `#a${this.names.size}`;
      this.names.set(attribute, placeholder);
    }
    return placeholder;
  }

  value(value: unknown): string {
    const placeholder = `:v${this.count++}`;
    this.values[placeholder] = value;
    return placeholder;
  }

  attributes() {
    return {
      ExpressionAttributeNames: Object.fromEntries(
        [...this.names].map(([attribute, placeholder]) => [placeholder, attribute]),
      ),
      ExpressionAttributeValues: this.values,
    };
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
