/** Fleet rules on the in-memory fakes: retries after a crash finish the work, never double it. */
import { describe, expect, it } from 'vitest';
import { Catalog } from '../../../cloud/core/catalog/catalog.ts';
import { ConflictError } from '../../../cloud/core/errors.ts';
import { claimCodeHash } from '../../../cloud/core/fleet/claim-code.ts';
import { ClaimCodeUsedError } from '../../../cloud/core/fleet/errors.ts';
import { Fleet } from '../../../cloud/core/fleet/fleet.ts';
import { DerivedKeySource } from '../../../cloud/core/keys.ts';
import { nodeSha256 } from '../../../cloud/core/sha256.ts';
import { MemoryButtonStore } from '../../../cloud/store/memory/memory-button-store.ts';
import { MemoryClaimStore } from '../../../cloud/store/memory/memory-claim-store.ts';
import { MemorySkuStore } from '../../../cloud/store/memory/memory-sku-store.ts';
import { MASTER_KEY, ManualClock } from '../../helpers/world.ts';

function fleet() {
  const clock = new ManualClock();
  const buttons = new MemoryButtonStore();
  const claims = new MemoryClaimStore();
  const catalog = new Catalog(new MemorySkuStore(), clock);
  const keys = new DerivedKeySource(new Map([[1, MASTER_KEY]]), nodeSha256);
  return { buttons, claims, fleet: new Fleet(buttons, claims, catalog, keys, clock) };
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
    const { fleet: f, claims } = fleet();
    await f.registerBatch('acme', 1, [{ deviceId: 'd1', serial: 'S1' }]);
    const before = claims.claims.size;
    await expect(
      f.registerBatch('globex', 1, [{ deviceId: 'd1', serial: 'S1' }]),
    ).rejects.toBeInstanceOf(ConflictError);
    expect(claims.claims.size).toBe(before);
  });

  it('a registration retried after losing its claim record writes the record', async () => {
    const { fleet: f, claims } = fleet();
    const [a] = await f.registerBatch('acme', 1, [{ deviceId: 'd1', serial: 'S1' }]);
    claims.claims.clear(); // as if the process died between the two writes
    await f.registerBatch('acme', 1, [{ deviceId: 'd1', serial: 'S1' }]);
    expect(claims.claims.has(claimCodeHash(a?.claimCode ?? ''))).toBe(true);
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
});
