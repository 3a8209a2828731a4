/** Idempotency-Key semantics on the in-memory store. */
import { describe, expect, it } from 'vitest';
import { ConflictError } from '../../../cloud/core/errors.ts';
import {
  Idempotency,
  IdempotencyKeyReusedError,
} from '../../../cloud/core/idempotency/idempotency.ts';
import { MemoryIdempotencyStore } from '../../../cloud/store/memory/memory-idempotency-store.ts';
import { MemoryTable } from '../../../cloud/store/memory/memory-table.ts';
import { ManualClock } from '../../helpers/world.ts';

function setup() {
  const clock = new ManualClock();
  const store = new MemoryIdempotencyStore(new MemoryTable());
  return {
    clock,
    store,
    idem: new Idempotency(store, clock, { ttlSeconds: 3600, leaseMs: 30_000 }),
  };
}

describe('Idempotency', () => {
  it('runs once and replays the stored response for the same request', async () => {
    const { idem } = setup();
    let runs = 0;
    const execute = async () => ({ status: 201, body: { run: ++runs } });
    expect(await idem.run('t', 'k', 'h', execute)).toEqual({
      response: { status: 201, body: { run: 1 } },
      replayed: false,
    });
    expect(await idem.run('t', 'k', 'h', execute)).toEqual({
      response: { status: 201, body: { run: 1 } },
      replayed: true,
    });
    await expect(idem.run('t', 'k', 'other', execute)).rejects.toBeInstanceOf(
      IdempotencyKeyReusedError,
    );
    expect(runs).toBe(1);
  });

  it('refuses a second request while the first runs, and lets a failed one be retried', async () => {
    const { idem } = setup();
    let release: () => void = () => {};
    const slow = idem.run(
      't',
      'k',
      'h',
      () =>
        new Promise((resolve) => {
          release = () => resolve({ status: 201, body: {} });
        }),
    );
    await expect(
      idem.run('t', 'k', 'h', async () => ({ status: 201, body: {} })),
    ).rejects.toBeInstanceOf(ConflictError);
    release();
    await slow;
    await expect(
      idem.run('t', 'f', 'h', async () => Promise.reject(new Error('boom'))),
    ).rejects.toThrow('boom');
    const rejected = await idem.run('t', 'f', 'h', async () => ({ status: 409, body: {} }));
    expect(rejected.replayed).toBe(false);
    const retried = await idem.run('t', 'f', 'h', async () => ({ status: 201, body: { ok: 1 } }));
    expect(retried).toEqual({ response: { status: 201, body: { ok: 1 } }, replayed: false });
  });

  it('takes over a key whose holder crashed once the lease lapses', async () => {
    const { idem, clock, store } = setup();
    const now = clock.now();
    await store.begin(
      {
        tenant: 't',
        key: 'k',
        requestHash: 'h',
        status: 'IN_PROGRESS',
        response: null,
        leaseUntil: now + 30_000,
        expiresAt: now / 1000 + 3600,
      },
      now,
    );
    clock.advance(31_000);
    const result = await idem.run('t', 'k', 'h', async () => ({ status: 201, body: {} }));
    expect(result.replayed).toBe(false);
  });
});
