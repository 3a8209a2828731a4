/** Fleet rules on the in-memory fakes: retries after a crash finish the work, never double it. */
import { describe, expect, it } from 'vitest';
import { Catalog } from '../../../cloud/core/catalog/catalog.ts';
import { NotFoundError } from '../../../cloud/core/errors.ts';
import { claimCodeHash } from '../../../cloud/core/fleet/claim-code.ts';
import { ClaimCodeUsedError } from '../../../cloud/core/fleet/errors.ts';
import { Fleet } from '../../../cloud/core/fleet/fleet.ts';
import { DerivedKeySource } from '../../../cloud/core/keys.ts';
import { nodeSha256 } from '../../../cloud/core/sha256.ts';
import { MemoryButtonEventStore } from '../../../cloud/store/memory/memory-button-event-store.ts';
import { MemoryButtonStore } from '../../../cloud/store/memory/memory-button-store.ts';
import { MemoryClaimStore } from '../../../cloud/store/memory/memory-claim-store.ts';
import { MemorySkuStore } from '../../../cloud/store/memory/memory-sku-store.ts';
import { MemoryTable } from '../../../cloud/store/memory/memory-table.ts';
import { MASTER_KEY, ManualClock } from '../../helpers/world.ts';

function fleet() {
  const clock = new ManualClock();
  const table = new MemoryTable();
  const buttons = new MemoryButtonStore(table);
  const claims = new MemoryClaimStore(table);
  const catalog = new Catalog(new MemorySkuStore(table), clock);
  const keys = new DerivedKeySource(new Map([[1, MASTER_KEY]]), nodeSha256);
  const events = new MemoryButtonEventStore(table);
  return {
    table,
    buttons,
    claims,
    fleet: new Fleet(buttons, claims, catalog, keys, clock, events),
  };
}

describe('Fleet', () => {
  it('derives the same claim code on every registration of a device, different per device', async () => {
    const { fleet: f } = fleet();
    const [a] = await f.registerBatch('acme', 1, [{ deviceId: 'd1', serial: 'S1' }]);
    const [again] = await f.registerBatch('acme', 1, [{ deviceId: 'd1', serial: 'S1' }]);
    const [b] = await f.registerBatch('acme', 1, [{ deviceId: 'd2', serial: 'S2' }]);
    expect(again?.claimCode).toBe(a?.claimCode);
    expect(b?.claimCode).not.toBe(a?.claimCode);
  });

  it('refuses another brand’s device id before writing any claim record', async () => {
    const { fleet: f, table } = fleet();
    await f.registerBatch('acme', 1, [{ deviceId: 'd1', serial: 'S1' }]);
    const before = table.claims.size;
    await expect(
      f.registerBatch('globex', 1, [{ deviceId: 'd1', serial: 'S1' }]),
    ).rejects.toBeInstanceOf(NotFoundError);
    expect(table.claims.size).toBe(before);
  });

  it('a registration retried after losing its claim record writes the record', async () => {
    const { fleet: f, table } = fleet();
    const [a] = await f.registerBatch('acme', 1, [{ deviceId: 'd1', serial: 'S1' }]);
    table.claims.clear(); // as if the process died between the two writes
    await f.registerBatch('acme', 1, [{ deviceId: 'd1', serial: 'S1' }]);
    expect(table.claims.has(claimCodeHash(a?.claimCode ?? ''))).toBe(true);
  });

  it('a claim retried after the code was taken but before the button moved completes', async () => {
    const { fleet: f, claims } = fleet();
    const [a] = await f.registerBatch('acme', 1, [{ deviceId: 'd1', serial: 'S1' }]);
    const code = a?.claimCode ?? '';
    await claims.takeClaim(claimCodeHash(code), 'hh-1', 0); // crash right after this write
    const button = await f.claim('hh-1', code);
    expect(button.householdId).toBe('hh-1');
    await expect(f.claim('hh-2', code)).rejects.toBeInstanceOf(ClaimCodeUsedError);
  });

  it('refuses settings outside their bounds whoever calls, before touching the button', async () => {
    const { fleet: f, table } = fleet();
    const [a] = await f.registerBatch('acme', 1, [{ deviceId: 'd1', serial: 'S1' }]);
    await f.claim('hh-1', a?.claimCode ?? '');
    const before = table.snapshot();
    for (const changes of [
      { quantity: 0 },
      { quantity: 1.5 },
      { cancelWindowMinutes: 1441 },
      { maxOpenOrders: 11 },
      { priceIncreaseLimitPct: -1 },
      { secondAction: { skuId: 'coffee', quantity: 100 } },
    ]) {
      await expect(f.updateSettings('hh-1', 'd1', changes)).rejects.toMatchObject({
        code: 'SETTING_OUT_OF_RANGE',
      });
    }
    expect(table.snapshot()).toEqual(before);
    const kept = await f.updateSettings('hh-1', 'd1', { cancelWindowMinutes: 1440 });
    expect(kept.settings.cancelWindowMinutes).toBe(1440);
  });
});
