/**
 * RFM segments and claim-month cohorts from the household activity records: each delivery
 * counted once however often its event comes, households only under pseudonyms, and an erased
 * household gone for good.
 */
import { describe, expect, it } from 'vitest';
import type { ButtonEvent } from '../../../cloud/core/events/button-events.ts';
import { orderEventsSince } from '../../../cloud/core/events/order-events.ts';
import { HouseholdInsight, householdKey } from '../../../cloud/core/insight/household-insight.ts';
import type { Order, OrderStatus } from '../../../cloud/core/model.ts';
import { MemoryActivityStore } from '../../../cloud/store/memory/memory-activity-store.ts';
import { MemoryTable } from '../../../cloud/store/memory/memory-table.ts';

const DAY = 86_400_000;
const NOW = Date.parse('2026-11-23T12:00:00Z');
let serial = 0;

function order(householdId: string, daysAgo: number, path: OrderStatus[]): Order {
  serial++;
  const placedAt = NOW - daysAgo * DAY;
  return {
    orderId: `btn-${serial}-1`,
    deviceId: `btn-${serial}`,
    seq: serial,
    householdId,
    brandId: 'acme',
    skuId: 'coffee',
    skuName: 'Coffee',
    quantity: 1,
    unitPriceCents: 1000,
    currency: 'EUR',
    acceptedPriceCents: 1000,
    status: path[path.length - 1] as OrderStatus,
    placedAt,
    cancelWindowMinutes: 30,
    cancelDeadline: placedAt + 30 * 60_000,
    history: path.map((status, i) => ({
      status,
      at: placedAt + i * 60_000,
      actor: { kind: 'system' as const, id: 'test' },
    })),
  };
}

const claim = (householdId: string, at: number): ButtonEvent => ({
  eventId: `btn-${householdId}/claimed/x`,
  type: 'ButtonClaimed',
  deviceId: `btn-${householdId}`,
  brandId: 'acme',
  householdKey: householdKey('acme', householdId),
  at,
  data: { skuId: 'coffee' },
});

const BOUGHT: OrderStatus[] = ['PLACED', 'CONFIRMED', 'SHIPPED', 'DELIVERED'];

async function setUp() {
  const table = new MemoryTable();
  const insight = new HouseholdInsight(new MemoryActivityStore(table));
  const all = [
    // champion: four bought orders, the last 10 days ago
    ...[10, 40, 70, 100].map((d) => order('hh-champ', d, BOUGHT)),
    // loyal: two, the last 100 days ago
    ...[100, 200].map((d) => order('hh-loyal', d, BOUGHT)),
    // new: one, 5 days ago; and an accidental one cancelled in its window (not bought)
    order('hh-new', 5, BOUGHT),
    order('hh-new', 4, ['PLACED', 'CANCELLED']),
    // at risk: two, the last 200 days ago
    ...[200, 300].map((d) => order('hh-risk', d, BOUGHT)),
    // one-off: one, 90 days ago
    order('hh-once', 90, BOUGHT),
    // lapsed: nothing for over a year
    order('hh-gone', 400, BOUGHT),
  ];
  const events = all.flatMap((o) => orderEventsSince(o, 0));
  return { table, insight, events };
}

describe('HouseholdInsight', () => {
  it('segments households by recency and frequency, with their spend', async () => {
    const { insight, events } = await setUp();
    await insight.emit(events);
    await insight.emitButtonEvents([claim('hh-idle', NOW - 3 * DAY)]);
    const { rfm } = await insight.insight('acme', NOW);
    const count = Object.fromEntries(rfm.segments.map((s) => [s.name, s.households]));
    expect(count).toEqual({
      champions: 1,
      loyal: 1,
      new: 1,
      at_risk: 1,
      one_off: 1,
      lapsed: 1,
      not_yet_ordered: 1,
    });
    expect(rfm.households).toBe(7);
    const champions = rfm.segments.find((s) => s.name === 'champions');
    expect(champions).toMatchObject({ share: 0.143, spendCents: { EUR: 4000 } });
    expect(rfm.method).toMatch(/recency/);
  });

  it('counts a delivery once however often it is redelivered, and nothing before it', async () => {
    const once = await setUp();
    await once.insight.emit(once.events);
    const expected = await once.insight.insight('acme', NOW);
    const messy = await setUp();
    // Earlier events first (they count for nothing), then every event again, newest first.
    await messy.insight.emit(messy.events.filter((e) => e.type !== 'OrderDelivered'));
    await messy.insight.emit(messy.events);
    // The bus retries for a day: each household's newest delivery comes once more.
    const newest = new Map<string, (typeof messy.events)[number]>();
    for (const e of messy.events.filter((e) => e.type === 'OrderDelivered')) {
      if ((newest.get(e.householdId)?.at ?? 0) < e.at) newest.set(e.householdId, e);
    }
    expect(newest.size).toBe(6);
    await messy.insight.emit([...newest.values()]);
    expect(await messy.insight.insight('acme', NOW)).toEqual(expected);
  });

  it('keeps no household id, name or address in the records', async () => {
    const { table, insight, events } = await setUp();
    await insight.emit(events);
    const stored = JSON.stringify([...table.activity.values()]);
    expect(stored).not.toContain('hh-champ');
    expect(stored).toContain(householdKey('acme', 'hh-champ'));
    expect(householdKey('acme', 'hh-champ')).not.toBe(householdKey('globex', 'hh-champ'));
  });

  it('retains cohorts by claim month: the share that bought in each month after the claim', async () => {
    const { insight } = await setUp();
    const sep = Date.parse('2026-09-10T00:00:00Z');
    await insight.emitButtonEvents([claim('a', sep), claim('b', sep), claim('c', NOW)]);
    const bought = (hh: string, at: number) =>
      orderEventsSince({ ...order(hh, 0, BOUGHT), placedAt: at }, 0);
    await insight.emit([
      ...bought('a', Date.parse('2026-09-12T00:00:00Z')),
      ...bought('b', Date.parse('2026-09-20T00:00:00Z')),
      ...bought('a', Date.parse('2026-11-02T00:00:00Z')),
    ]);
    const { cohorts } = await insight.insight('acme', NOW);
    expect(cohorts).toEqual([
      { claimMonth: '2026-09', claimed: 2, retained: [1, 0, 0.5] },
      { claimMonth: '2026-11', claimed: 1, retained: [0] },
    ]);
  });

  it('forgets an erased household for good: later events cannot bring it back', async () => {
    const { insight, events } = await setUp();
    await insight.emit(events);
    await insight.erase('hh-champ', ['acme']);
    await insight.emit(events.filter((e) => e.householdId === 'hh-champ'));
    await insight.emitButtonEvents([claim('hh-champ', NOW)]);
    const { rfm, cohorts } = await insight.insight('acme', NOW);
    expect(rfm.households).toBe(5);
    expect(rfm.segments.find((s) => s.name === 'champions')?.households).toBe(0);
    expect(cohorts).toEqual([]);
  });
});
