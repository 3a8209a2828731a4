/**
 * Model test: random sequences of presses, duplicates, replays, cancels, sweeps and deliveries
 * across several buttons. After every step: one order per accepted ordering press, never more
 * open orders than a button allows, every press has a recorded outcome, and a repeated press
 * always gets its original answer. A second run lets the commit relay fall behind (it runs only
 * when an operation says so, as on a busy stack) and checks the same after each relay.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { OPEN_STATUSES, type Order } from '../../../cloud/core/model.ts';
import { memoryFactory, type StoreUnderTest } from '../../helpers/stores.ts';
import { button, sku, type VirtualDevice, World } from '../../helpers/world.ts';

const BUTTONS = [
  { id: 'btn-a', cap: 1 },
  { id: 'btn-b', cap: 2 },
  { id: 'btn-c', cap: 1 },
];

type Op =
  | { kind: 'press'; b: number; click: 'SINGLE' | 'DOUBLE' | 'LONG'; skip: boolean }
  | { kind: 'duplicate'; b: number; pick: number }
  | { kind: 'replay'; b: number }
  | { kind: 'cancel'; b: number }
  | { kind: 'sweep'; minutes: number }
  | { kind: 'deliver'; b: number }
  | { kind: 'relay' };

const buttonIndex = fc.nat({ max: BUTTONS.length - 1 });
const op: fc.Arbitrary<Op> = fc.oneof(
  {
    weight: 5,
    arbitrary: fc.record({
      kind: fc.constant('press' as const),
      b: buttonIndex,
      click: fc.constantFrom(
        'SINGLE' as const,
        'SINGLE' as const,
        'DOUBLE' as const,
        'LONG' as const,
      ),
      skip: fc.boolean(),
    }),
  },
  {
    weight: 3,
    arbitrary: fc.record({
      kind: fc.constant('duplicate' as const),
      b: buttonIndex,
      pick: fc.nat(),
    }),
  },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('replay' as const), b: buttonIndex }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('cancel' as const), b: buttonIndex }) },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant('sweep' as const),
      minutes: fc.integer({ min: 1, max: 40 }),
    }),
  },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('deliver' as const), b: buttonIndex }) },
);

interface Sent {
  outcome: string;
  orderId: string | null;
}

async function allOrders(store: StoreUnderTest): Promise<Order[]> {
  return (await store.orders.listHouseholdOrders('hh-1', { limit: 10_000 })).items;
}

const withRelay: fc.Arbitrary<Op> = fc.oneof(
  { weight: 30, arbitrary: op },
  { weight: 1, arbitrary: fc.constant({ kind: 'relay' as const }) },
);

/** `relayBehind`: what presses owe is written only at a relay operation and at the end. */
async function run(ops: Op[], relayBehind = false): Promise<void> {
  const store = await (await memoryFactory.start()).open();
  const world = new World(store, { drain: !relayBehind });
  await store.putSku(sku());
  await store.putSku(sku({ skuId: 'filters', priceCents: 399 }));
  for (const b of BUTTONS) {
    await store.putButton(
      button(b.id, { maxOpenOrders: b.cap, secondAction: { skuId: 'coffee', quantity: 2 } }),
    );
  }
  const devices: VirtualDevice[] = BUTTONS.map((b) => world.device(b.id));
  const sent = BUTTONS.map(() => new Map<number, Sent>());
  const skipped = BUTTONS.map(() => [] as number[]);

  for (const step of ops) {
    world.clock.advance(1000);
    if (step.kind === 'press') {
      const device = devices[step.b] as VirtualDevice;
      if (step.skip) skipped[step.b]?.push(++device.seq);
      const result = await device.press(step.click);
      sent[step.b]?.set(device.seq, { outcome: result.outcome, orderId: result.orderId });
    } else if (step.kind === 'duplicate') {
      const seqs = [...(sent[step.b]?.keys() ?? [])];
      if (seqs.length === 0) continue;
      const seq = seqs[step.pick % seqs.length] as number;
      const again = await (devices[step.b] as VirtualDevice).resend(seq, 2);
      expect({ outcome: again.outcome, orderId: again.orderId }).toEqual(sent[step.b]?.get(seq));
    } else if (step.kind === 'replay') {
      const seq = skipped[step.b]?.shift();
      if (seq === undefined) continue;
      const device = devices[step.b] as VirtualDevice;
      const replay = await world.handle(device.event(device.sign('SINGLE', seq)));
      expect(replay).toMatchObject({ outcome: 'REJECTED', reason: 'REPLAYED' });
    } else if (step.kind === 'cancel') {
      const open = (await allOrders(store)).filter(
        (o) => o.deviceId === BUTTONS[step.b]?.id && o.status === 'PLACED',
      );
      const target = open[0];
      if (target) await world.orders.cancel(target.orderId, { kind: 'support', id: 's' }, 'model');
    } else if (step.kind === 'sweep') {
      world.clock.advance(step.minutes * 60_000);
      await world.orders.sweep();
    } else if (step.kind === 'relay') {
      await world.drain();
    } else {
      const confirmed = (await allOrders(store)).filter(
        (o) => o.deviceId === BUTTONS[step.b]?.id && o.status === 'CONFIRMED',
      );
      const target = confirmed[0];
      if (target) {
        await world.orders.ship(target.orderId, { kind: 'brand', id: 'acme' });
        await world.orders.deliver(target.orderId, { kind: 'brand', id: 'acme' });
      }
    }

    if (!relayBehind || step.kind === 'relay') await holdsInvariants();
  }
  if (relayBehind) {
    await world.drain();
    await holdsInvariants();
  }

  async function holdsInvariants(): Promise<void> {
    const orders = await allOrders(store);
    for (const [i, b] of BUTTONS.entries()) {
      const mine = orders.filter((o) => o.deviceId === b.id);
      const ordering = [...(sent[i]?.entries() ?? [])].filter(
        ([, s]) => s.outcome === 'ORDERED' || s.outcome === 'NEEDS_CONFIRMATION',
      );
      // One order per ordering press, with the id the ack named.
      expect(mine.map((o) => o.orderId).sort()).toEqual(ordering.map(([, s]) => s.orderId).sort());
      // Never more open orders than the household allows.
      expect(mine.filter((o) => OPEN_STATUSES.includes(o.status)).length).toBeLessThanOrEqual(
        b.cap,
      );
      // Every press has a recorded outcome.
      const log = await store.orders.pressLog(b.id, { limit: 10_000 });
      const logged = new Set(log.items.map((e) => e.seq));
      for (const seq of sent[i]?.keys() ?? []) expect(logged.has(seq)).toBe(true);
    }
  }
}

describe('press pipeline model', () => {
  it('keeps its invariants over random sequences of operations', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(op, { minLength: 1, maxLength: 40 }), (ops) => run(ops)),
      { numRuns: 150 },
    );
  });

  it('keeps them when the commit relay falls behind the presses', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(withRelay, { minLength: 1, maxLength: 60, size: 'max' }), (ops) =>
        run(ops, true),
      ),
      { numRuns: 150 },
    );
  });
});
