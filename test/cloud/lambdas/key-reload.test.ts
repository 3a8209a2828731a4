import { describe, expect, it } from 'vitest';
import {
  DerivedKeySource,
  KEY_RELOAD_INTERVAL_MS,
  LazyKeySource,
} from '../../../cloud/core/keys.ts';
import { nodeSha256 } from '../../helpers/sha256.ts';
import { ManualClock } from '../../helpers/world.ts';

const V1 = new Uint8Array(32).fill(1);
const V2 = new Uint8Array(32).fill(2);

describe('master keys in a warm Lambda', () => {
  it('sees a key version added after start within the reload interval, without a cold start', async () => {
    const clock = new ManualClock();
    let secret = new Map([[1, V1]]);
    let loads = 0;
    const keys = new LazyKeySource(async () => {
      loads++;
      return new DerivedKeySource(secret, nodeSha256);
    }, clock);
    expect(await keys.deviceKey('btn-1', 1)).not.toBeNull();
    secret = new Map([
      [1, V1],
      [2, V2],
    ]);
    // Just loaded: a forged or too-new version does not fetch the secret on every press.
    expect(await keys.deviceKey('btn-new', 2)).toBeNull();
    expect(await keys.deviceKey('btn-new', 2)).toBeNull();
    expect(loads).toBe(1);
    clock.advance(KEY_RELOAD_INTERVAL_MS);
    expect(await keys.deviceKey('btn-new', 2)).not.toBeNull();
    expect(await keys.deviceKey('btn-1', 1)).not.toBeNull();
    expect(loads).toBe(2);
  });

  it('tries the secret again on the next press after a failed load', async () => {
    let fail = true;
    const keys = new LazyKeySource(async () => {
      if (fail) throw new Error('throttled');
      return new DerivedKeySource(new Map([[1, V1]]), nodeSha256);
    }, new ManualClock());
    await expect(keys.deviceKey('btn-1', 1)).rejects.toThrow(/throttled/);
    fail = false;
    expect(await keys.deviceKey('btn-1', 1)).not.toBeNull();
  });
});
