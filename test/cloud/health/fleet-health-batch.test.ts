/**
 * Fleet health takes a batch of order events with one read of its buttons' records, and stays
 * as correct as reading each record before its change: a writer that got in between the batch
 * read and the versioned write makes the change read again, and a button's second order in the
 * same batch starts from what its first one wrote.
 */
import { describe, expect, it } from 'vitest';
import { newHealth } from '../../../cloud/core/health/button-health.ts';
import { FleetHealth } from '../../../cloud/core/health/fleet-health.ts';
import type { HealthKey, HealthStore } from '../../../cloud/core/health/health-store.ts';
import type { OrderEvent } from '../../../cloud/core/model.ts';
import { memoryUnderTest } from '../../helpers/stores.ts';
import { BRAND, button, MemoryLog, sku, World } from '../../helpers/world.ts';

const CLAIMED_AT = 42;

describe('fleet health on a batch of orders', () => {
  it('reads the batch once, reads again after a lost race or for a second order, and loses nothing', async () => {
    const store = memoryUnderTest();
    await store.putSku(sku());
    for (const id of ['btn-1', 'btn-2']) await store.putButton(button(id));
    const world = new World(store);
    await world.device('btn-1').press();
    await world.device('btn-2').press();
    const [first, other] = world.events as [OrderEvent, OrderEvent];
    // A second order of btn-1 in the same batch (as after a delivery and a new press).
    const second: OrderEvent = {
      ...first,
      eventId: 'btn-1-2/1',
      orderId: 'btn-1-2',
      order: {
        ...first.order,
        orderId: 'btn-1-2',
        seq: 2,
        placedAt: first.order.placedAt + 1,
        press: { ...first.order.press, batteryMv: 2800 } as OrderEvent['order']['press'],
      },
    };

    const health = store.api.health;
    const reads: string[] = [];
    const batchReads: HealthKey[][] = [];
    const racing: HealthStore = {
      ...bind(health),
      async getHealth(brandId, deviceId) {
        reads.push(deviceId);
        return health.getHealth(brandId, deviceId);
      },
      async getHealthMany(buttons) {
        batchReads.push([...buttons]);
        const found = await health.getHealthMany(buttons);
        // A claim of btn-2 is written between the batch read and the press's change.
        await health.putHealth({ ...newHealth('btn-2', BRAND), claimedAt: CLAIMED_AT }, 0);
        return found;
      },
    };
    const fleet = new FleetHealth({ ...store.api, health: racing }, world.clock, new MemoryLog());
    await fleet.emit([first, other, second]);

    expect(batchReads).toEqual([
      [
        { brandId: BRAND, deviceId: 'btn-1' },
        { brandId: BRAND, deviceId: 'btn-2' },
      ],
    ]);
    expect(reads.sort()).toEqual(['btn-1', 'btn-2']);
    const one = await health.getHealth(BRAND, 'btn-1');
    expect(one?.health.samples.map((s) => [s.seq, s.mv])).toEqual([
      [1, first.order.press?.batteryMv],
      [2, 2800],
    ]);
    expect(one?.version).toBe(2);
    const two = await health.getHealth(BRAND, 'btn-2');
    expect(two?.health).toMatchObject({ claimedAt: CLAIMED_AT, samples: [{ seq: 1 }] });
    expect(two?.version).toBe(2);
  });
});

function bind(store: HealthStore): HealthStore {
  return {
    getHealth: store.getHealth.bind(store),
    getHealthMany: store.getHealthMany.bind(store),
    putHealth: store.putHealth.bind(store),
    listHealth: store.listHealth.bind(store),
    dueHealth: store.dueHealth.bind(store),
  };
}
