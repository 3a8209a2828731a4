import { describe, expect, it } from 'vitest';
import { DEFAULT_SETTINGS, type Order } from '../../../cloud/core/model.ts';
import { orderIndexKeys } from '../../../cloud/store/dynamo/order-item.ts';
import { TIMER_SHARDS } from '../../../cloud/store/dynamo/table-keys.ts';

function waitingOrder(deviceId: string, seq: number): Order {
  return {
    orderId: `${deviceId}-${seq}`,
    deviceId,
    seq,
    householdId: 'hh-1',
    brandId: 'acme',
    skuId: 'coffee',
    skuName: 'Coffee',
    quantity: 1,
    unitPriceCents: 100,
    currency: 'EUR',
    acceptedPriceCents: 100,
    status: 'PLACED',
    placedAt: 0,
    cancelWindowMinutes: DEFAULT_SETTINGS.cancelWindowMinutes,
    cancelDeadline: 1_800_000,
    history: [],
  };
}

describe('timer index partitions', () => {
  it('spread waiting orders over every shard, none holding much more than its share', () => {
    const counts = new Map<string, number>();
    for (let device = 0; device < 500; device++) {
      for (let seq = 1; seq <= 4; seq++) {
        const pk = orderIndexKeys(waitingOrder(`btn-${device.toString(16)}`, seq)).gsi3pk as string;
        counts.set(pk, (counts.get(pk) ?? 0) + 1);
      }
    }
    expect(counts.size).toBe(TIMER_SHARDS);
    expect(Math.max(...counts.values())).toBeLessThan((2 * 2000) / TIMER_SHARDS);
  });
});
