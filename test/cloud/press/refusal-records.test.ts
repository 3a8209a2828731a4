/**
 * What a refusal leaves behind: a log line that names the offending field, and a press-log record
 * only within the rejection budget (per device id and per connection), so that forged presses for
 * random device ids cannot fill the table.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import { encodePress, signPress } from '#shared/index';
import { pressEventFor } from '../../../cloud/core/press/press-event.ts';
import { DEFAULT_REJECTION_LIMITS } from '../../../cloud/core/press/rejection-budget.ts';
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
  device = world.device('btn-1');
});

/** Press-log records of refusals in the store. */
async function rejectionRecords(): Promise<number> {
  const snapshot = (await store.snapshot()) as [string, unknown][];
  return snapshot.filter(([key]) => key.startsWith('rejection#')).length;
}

const refusedLines = () => world.log.lines.filter((l) => l.message === 'press refused');

describe('a refusal names the offending field', () => {
  it.each([
    ['battery_mv', { battery_mv: 'full' }, 'BAD_TYPE'],
    ['seq', { seq: -1 }, 'BAD_TYPE'],
    ['click', { click: 'TRIPLE' }, 'BAD_TYPE'],
  ])('%s', async (field, change, reason) => {
    const payload = JSON.stringify({ ...device.sign('SINGLE', 1), ...change });
    const result = await world.handle(device.event(payload));
    expect(result.outcome).toBe('REJECTED');
    expect(refusedLines().at(-1)?.data).toMatchObject({ reason, field });
  });
});

/** A forged press for a random, syntactically valid device id, from one connection. */
function forged(i: number, connection = 'attacker-1') {
  const deviceId = `ghost-${i}`;
  const press = signPress(nodeSha256, new Uint8Array(32), {
    device: deviceId,
    seq: 1,
    click: 'SINGLE',
    battery_mv: 3000,
    attempt: 1,
    kv: 1,
  });
  return pressEventFor(deviceId, encodePress(press), world.clock.now(), connection);
}

describe('rejection records are rationed', () => {
  const { perConnection, perDevice } = DEFAULT_REJECTION_LIMITS;

  it(`1 000 forged presses for random device ids from one connection write ${perConnection.burst} records, then one per refill`, async () => {
    for (let i = 0; i < 1_000; i++) await world.handle(forged(i));
    expect(refusedLines()).toHaveLength(1_000);
    expect(await rejectionRecords()).toBe(perConnection.burst);
    world.clock.advance(perConnection.refillMs);
    for (let i = 1_000; i < 1_010; i++) await world.handle(forged(i));
    expect(await rejectionRecords()).toBe(perConnection.burst + 1);
    expect(refusedLines().filter((l) => l.data?.recorded === true)).toHaveLength(
      perConnection.burst + 1,
    );
  });

  it(`refusals for one device id from many connections write ${perDevice.burst} records`, async () => {
    for (let i = 0; i < 100; i++) {
      await world.handle({ ...device.event('{"v":1,"device":'), clientId: `conn-${i}` });
    }
    expect(await rejectionRecords()).toBe(perDevice.burst);
  });

  it("a genuine device's press is still ORDERED while the budget is spent", async () => {
    for (let i = 0; i < 200; i++) await world.handle(forged(i));
    expect((await device.press()).outcome).toBe('ORDERED');
  });
});
