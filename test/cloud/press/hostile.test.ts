/**
 * Hostile input never creates or changes an order or button state; each refusal carries a
 * reason code, is logged, and unauthenticated input gets no ack at all.
 */

import { beforeEach, describe, expect, it } from 'vitest';
import { encodePress, signPress } from '#shared/index';
import { pressEventFor } from '../../../cloud/core/press/press-event.ts';
import { nodeSha256 } from '../../../cloud/core/sha256.ts';
import { memoryFactory, type StoreUnderTest } from '../../helpers/stores.ts';
import { button, sku, type VirtualDevice, World } from '../../helpers/world.ts';

let store: StoreUnderTest;
let world: World;
let device: VirtualDevice;

beforeEach(async () => {
  store = await (await memoryFactory.start()).open();
  world = new World(store);
  await store.putSku(sku());
  await store.putButton(button('btn-1'));
  await store.putButton(button('btn-2'));
  device = world.device('btn-1');
  device.seq = 10;
  await device.press(); // seq 11: one real order, so there is state to protect
});

/** Button and order state, without the press log (refusals are meant to be logged). */
async function protectedState() {
  const snapshot = (await store.snapshot()) as [string, unknown][];
  return snapshot.filter(([key]) => !key.startsWith('rejection#'));
}

const valid = () => device.sign('SINGLE', 12);

const CASES: [string, () => ReturnType<typeof pressEventFor>, string][] = [
  ['malformed JSON', () => device.event('{"v":1,"device":'), 'MALFORMED'],
  [
    'a non-JSON payload',
    () => pressEventFor('btn-1', new Uint8Array([0xff, 0, 7]), 1),
    'MALFORMED',
  ],
  [
    'an unknown contract version',
    () => device.event(JSON.stringify({ ...valid(), v: 9 })),
    'UNKNOWN_VERSION',
  ],
  [
    'a bad signature',
    () =>
      device.event({ ...valid(), sig: valid().sig.replace(/^./, (c) => (c === 'a' ? 'b' : 'a')) }),
    'BAD_SIGNATURE',
  ],
  [
    'a press signed with another device’s key',
    () => {
      const other = world.device('btn-2');
      return device.event(signPress(nodeSha256, other.key, { ...valid(), device: 'btn-1' }));
    },
    'BAD_SIGNATURE',
  ],
  ['a replayed sequence number', () => device.event(device.sign('SINGLE', 3)), 'REPLAYED'],
  [
    'a topic of another device',
    () => ({ ...device.event(valid()), topic: 'restock/v1/btn-2/press' }),
    'TOPIC_MISMATCH',
  ],
  [
    'a client id of another device',
    () => ({ ...device.event(valid()), clientId: 'btn-2' }),
    'TOPIC_MISMATCH',
  ],
  [
    'an oversized payload',
    () => device.event(JSON.stringify({ ...valid(), pad: 'x'.repeat(5000) })),
    'OVERSIZED',
  ],
  [
    'an unknown device',
    () => {
      const ghost = world.device('ghost-9');
      return ghost.event(ghost.sign('SINGLE', 1));
    },
    'UNKNOWN_DEVICE',
  ],
  [
    'an unknown key version',
    () => device.event(signPress(nodeSha256, device.key, { ...valid(), kv: 7 })),
    'UNKNOWN_KEY_VERSION',
  ],
];

describe('hostile presses', () => {
  it.each(CASES)('%s is REJECTED (%s) and changes nothing', async (_name, makeEvent, reason) => {
    const before = await protectedState();
    const ordersBefore = world.events.length;
    const result = await world.handle(makeEvent());
    expect(result).toMatchObject({ outcome: 'REJECTED', reason, orderId: null });
    expect(await protectedState()).toEqual(before);
    expect(world.events.length).toBe(ordersBefore);
    expect(world.log.lines.some((line) => JSON.stringify(line).includes(reason))).toBe(true);
  });

  it('sends no ack for input whose signature was not verified', async () => {
    const forged = { ...valid(), sig: '0'.repeat(32) };
    const result = await world.handle(device.event(forged));
    expect(result.ack).toBeNull();
    expect(world.acks.map((a) => a.ack.seq)).not.toContain(12);
  });

  it('logs no key material', async () => {
    await world.handle(device.event({ ...valid(), sig: '0'.repeat(32) }));
    const logged = JSON.stringify(world.log.lines);
    expect(logged).not.toContain(Buffer.from(device.key).toString('hex'));
    expect(logged).not.toContain(valid().sig);
  });

  it('still orders the genuine next press after all of that', async () => {
    for (const [, makeEvent] of CASES) await world.handle(makeEvent());
    await world.orders.deliver('btn-1-11', { kind: 'support', id: 's' }).catch(() => undefined);
    await world.orders.cancel('btn-1-11', { kind: 'support', id: 's' }, 'test');
    expect((await world.handle(device.event(encodePress(valid())))).outcome).toBe('ORDERED');
  });
});
