/**
 * Brand totals and insight cost the same store reads with 10 orders as with 10 000: the routes
 * read the brand's statistics buckets (days × SKUs × shards) and its pseudonymous household
 * records (one per household, sized by months, not orders), never its orders. The store-call
 * meter counts every DynamoDB request the two requests make on dynalite.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { StoreMeter } from '../../bench/store-meter.ts';
import { orderEventsSince } from '../../cloud/core/events/order-events.ts';
import { StatsCounter } from '../../cloud/core/insight/brand-stats.ts';
import { HouseholdInsight, householdKey } from '../../cloud/core/insight/household-insight.ts';
import type { Order, OrderStatus } from '../../cloud/core/model.ts';
import { type DynaliteServer, startDynalite } from '../../cloud/store/dynamo/dynalite-server.ts';
import { ensureTable, openTable, type Table } from '../../cloud/store/dynamo/table.ts';
import { ApiHarness } from '../cloud/api/helpers/harness.ts';
import { dynamoUnderTest } from '../helpers/stores.ts';
import { START } from '../helpers/world.ts';

const DAY = 86_400_000;
/** A brand's households reorder: 10 000 orders come from 41 of them (every path reaches each). */
const HOUSEHOLDS = 41;
const householdOf = (i: number) => `hh-${i % HOUSEHOLDS}`;
const SKUS = ['coffee', 'tea', 'filters'];
const PATHS: readonly OrderStatus[][] = [
  ['PLACED'],
  ['PLACED', 'CANCELLED'],
  ['PLACED', 'CONFIRMED'],
  ['PLACED', 'CONFIRMED', 'SHIPPED', 'DELIVERED'],
];

function order(i: number): Order {
  const placedAt = START - (i % 7) * DAY;
  const path = PATHS[i % PATHS.length] as OrderStatus[];
  return {
    orderId: `btn-${i}-1`,
    deviceId: `btn-${i}`,
    seq: 1,
    householdId: householdOf(i),
    brandId: 'acme',
    skuId: SKUS[i % SKUS.length] as string,
    skuName: 'x',
    quantity: 1,
    unitPriceCents: 1299,
    currency: 'EUR',
    acceptedPriceCents: 1299,
    status: path[path.length - 1] as OrderStatus,
    placedAt,
    cancelWindowMinutes: 30,
    cancelDeadline: placedAt + 30 * 60_000,
    history: path.map((status, step) => ({
      status,
      at: placedAt + step * 60_000,
      actor: { kind: 'system' as const, id: 'test' },
    })),
  };
}

let server: DynaliteServer;
let table: Table;
let h: ApiHarness;
const meter = new StoreMeter();
beforeAll(async () => {
  server = await startDynalite();
  table = openTable({ tableName: 'insight-reads', endpoint: server.endpoint });
  await ensureTable(table);
  h = await ApiHarness.open(dynamoUnderTest(table));
  meter.attach(table.raw);
});
afterAll(async () => {
  await h.close();
  await server.close();
});

let counted = 0;
async function countOrdersUpTo(total: number): Promise<void> {
  const { api } = dynamoUnderTest(table);
  const sinks = [new StatsCounter(api.stats), new HouseholdInsight(api.activity)];
  const insight = sinks[1] as HouseholdInsight;
  await insight.emitButtonEvents(
    Array.from({ length: Math.min(total, HOUSEHOLDS) }, (_, i) => ({
      eventId: `btn-${i}/claimed/x`,
      type: 'ButtonClaimed' as const,
      deviceId: `btn-${i}`,
      brandId: 'acme',
      householdKey: householdKey('acme', householdOf(i)),
      at: START - 60 * DAY,
      data: { skuId: 'coffee' },
    })),
  );
  const lanes = 8;
  const next = { i: counted };
  await Promise.all(
    Array.from({ length: lanes }, async () => {
      while (next.i < total) {
        const i = next.i++;
        const events = orderEventsSince(order(i), 0);
        for (const sink of sinks) await sink.emit(events);
      }
    }),
  );
  counted = total;
}

async function readCost() {
  const token = await h.token('brand', 'acme');
  meter.reset();
  const totals = await h.call('GET', '/v1/brand/totals', { token });
  const totalsCalls = meter.calls;
  meter.reset();
  const insight = await h.call('GET', '/v1/brand/insight', { token });
  return {
    totals: totals.body,
    insight: insight.body,
    totalsCalls,
    insightCalls: meter.calls,
    insightReadUnits: meter.readUnits,
  };
}

it('reads the same number of items for 10 and 10 000 orders', async () => {
  await countOrdersUpTo(10);
  const small = await readCost();
  expect(small.totals.orders).toBe(10);
  await countOrdersUpTo(10_000);
  const large = await readCost();
  expect(large.totals.orders).toBe(10_000);
  expect(large.totals.byStatus).toMatchObject({ PLACED: 2500, CANCELLED: 2500, DELIVERED: 2500 });
  expect(large.totals.revenueCents).toEqual({ EUR: 5000 * 1299 });
  const cancelledPerSku = large.insight.skus.map((s: { cancelled: number }) => s.cancelled);
  expect(cancelledPerSku.reduce((a: number, b: number) => a + b, 0)).toBe(2500);
  // Cancelled inside the window: every cancellation here was an accidental order.
  const accidental = large.insight.skus.map((s: { accidental: number }) => s.accidental);
  expect(accidental.reduce((a: number, b: number) => a + b, 0)).toBe(2500);
  expect(small.insight.rfm.households).toBe(10);
  expect(large.insight.rfm.households).toBe(HOUSEHOLDS);
  // 2 500 delivered orders over 41 households in the last week: all champions.
  expect(large.insight.rfm.segments[0]).toMatchObject({
    name: 'champions',
    households: HOUSEHOLDS,
  });
  expect(large.insight.cohorts).toEqual([
    { claimMonth: '2026-09', claimed: HOUSEHOLDS, retained: [0, 0, 1] },
  ]);
  console.log(
    `brand reads: 10 orders → totals ${small.totalsCalls} call(s), insight ${small.insightCalls} call(s), ${small.insightReadUnits} RCU; ` +
      `10 000 orders → totals ${large.totalsCalls} call(s), insight ${large.insightCalls} call(s), ${large.insightReadUnits} RCU ` +
      `(insight includes RFM and cohorts of ${large.insight.rfm.households} households)`,
  );
  expect(large.totalsCalls).toBe(small.totalsCalls);
  expect(large.insightCalls).toBe(small.insightCalls);
}, 600_000);
