/**
 * Order timers, property: whatever batches the order events arrive in, however often a batch is
 * redelivered (alone or in other company) and whenever the sweep runs between deliveries, every
 * waiting order is confirmed (or expired) exactly once, never before its deadline, a cancelled
 * one never, and no timer is left once everything is delivered and swept.
 */
import fc from 'fast-check';
import { expect, it } from 'vitest';
import { orderEventsSince } from '../../../cloud/core/events/order-events.ts';
import { OrderTimerFiler } from '../../../cloud/core/events/order-timers.ts';
import type { Order, OrderEvent } from '../../../cloud/core/model.ts';
import { memoryUnderTest } from '../../helpers/stores.ts';
import { button, sku, World } from '../../helpers/world.ts';

const MINUTE = 60_000;
const DAY = 24 * 60 * MINUTE;

type Step =
  | { kind: 'next' }
  | { kind: 'redeliver'; from: number; length: number }
  | { kind: 'sweep'; minutes: number };

const orderPlan = fc.record({
  needsConfirmation: fc.boolean(),
  household: fc.constantFrom('wait' as const, 'cancel' as const, 'confirm' as const),
});
const step: fc.Arbitrary<Step> = fc.oneof(
  { weight: 3, arbitrary: fc.constant({ kind: 'next' as const }) },
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant('redeliver' as const),
      from: fc.nat({ max: 12 }),
      length: fc.integer({ min: 1, max: 6 }),
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({ kind: fc.constant('sweep' as const), minutes: fc.nat({ max: 40 }) }),
  },
);

async function placeOrders(
  world: World,
  plans: { needsConfirmation: boolean; household: string }[],
) {
  const household = { kind: 'household', id: 'hh-1' } as const;
  for (const [i, plan] of plans.entries()) {
    // An accepted price below the current one: the press needs the household's confirmation.
    const accepted = plan.needsConfirmation ? 999 : 1299;
    await world.store.putButton(button(`btn-${i}`, { acceptedPriceCents: accepted }));
    await world.device(`btn-${i}`).press();
    world.clock.advance(MINUTE);
  }
  for (const [i, plan] of plans.entries()) {
    const orderId = `btn-${i}-1`;
    if (plan.household === 'cancel' && !plan.needsConfirmation) {
      await world.orders.cancel(orderId, household);
    } else if (plan.household === 'cancel') await world.orders.decline(orderId, household);
    else if (plan.household === 'confirm' && plan.needsConfirmation) {
      await world.orders.confirm(orderId, household);
    }
  }
}

async function pendingEvents(world: World): Promise<OrderEvent[]> {
  const changes = await world.store.outbox.pendingChanges(100);
  return changes.flatMap((change) => orderEventsSince(change.order, change.published));
}

/** Splits events into consecutive batches, cutting after event i where `cuts[i]`. */
function batchesOf(events: OrderEvent[], cuts: boolean[]): OrderEvent[][] {
  const batches: OrderEvent[][] = [[]];
  events.forEach((event, i) => {
    (batches.at(-1) as OrderEvent[]).push(event);
    if (cuts[i] && i < events.length - 1) batches.push([]);
  });
  return batches;
}

it('every waiting order is confirmed or expired exactly once, whatever the batching, redelivery and sweep times', async () => {
  await fc.assert(
    fc.asyncProperty(
      fc.array(orderPlan, { minLength: 1, maxLength: 5 }),
      fc.array(fc.boolean(), { minLength: 12, maxLength: 12 }),
      fc.array(step, { maxLength: 12 }),
      async (plans, cuts, steps) => {
        const store = memoryUnderTest();
        await store.putSku(sku());
        const world = new World(store, { drain: false });
        await placeOrders(world, plans);
        const events = await pendingEvents(world);
        const batches = batchesOf(events, cuts);
        const filer = new OrderTimerFiler(store.orders);
        let delivered = 0;
        const swept = { confirmed: 0, expired: 0 };
        const sweep = async () => {
          const result = await world.orders.sweep();
          swept.confirmed += result.confirmed;
          swept.expired += result.expired;
        };
        for (const s of steps) {
          if (s.kind === 'next' && delivered < batches.length) {
            await filer.emit(batches[delivered++] as OrderEvent[]);
          } else if (s.kind === 'redeliver') {
            const seen = events.slice(0, batches.slice(0, delivered).flat().length);
            const again = seen.slice(s.from % (seen.length + 1)).slice(0, s.length);
            if (again.length > 0) await filer.emit(again);
          } else if (s.kind === 'sweep') {
            world.clock.advance(s.minutes * MINUTE);
            await sweep();
          }
        }
        for (const batch of batches.slice(delivered)) await filer.emit(batch);
        world.clock.advance(2 * DAY);
        await sweep();

        const orders = (await Promise.all(
          plans.map((_, i) => store.orders.getOrder(`btn-${i}-1`)),
        )) as Order[];
        for (const order of orders) {
          const ends = order.history.filter(
            (t) => t.status === 'CONFIRMED' || t.status === 'EXPIRED',
          );
          const cancelled = order.history.some((t) => t.status === 'CANCELLED');
          expect(ends.length, order.orderId).toBe(cancelled ? 0 : 1);
          const waitedUntil = order.history.at(-2)?.status === 'PLACED' ? order.cancelDeadline : 0;
          for (const end of ends) expect(end.at).toBeGreaterThanOrEqual(waitedUntil);
        }
        const ended = (status: string) => orders.filter((o) => o.status === status).length;
        expect(swept).toEqual({ confirmed: ended('CONFIRMED'), expired: ended('EXPIRED') });
        expect(await store.orders.dueTimers(world.clock.now() + 30 * DAY, 100)).toEqual([]);
      },
    ),
    {
      numRuns: 150,
      // Two orders placed a minute apart, confirmed together (one deadline minute, one timer),
      // then the first event redelivered alone: that timer must not replace the full one.
      examples: [
        [
          [
            { needsConfirmation: true, household: 'confirm' },
            { needsConfirmation: true, household: 'confirm' },
          ],
          Array.from({ length: 12 }, () => false),
          [{ kind: 'next' }, { kind: 'redeliver', from: 0, length: 1 }],
        ],
      ],
    },
  );
});
