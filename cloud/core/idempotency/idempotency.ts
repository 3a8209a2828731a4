/**
 * Idempotency-Key semantics for POSTs that create something: the same key with the same body
 * replays the first successful response; with another body it is refused (422); while the first
 * request runs, a second one gets 409 instead of doing the work twice. Only successful
 * responses are kept, so a client can fix a rejected request and retry with the same key.
 */
import { ConflictError, RestockError } from '../errors.ts';
import type { Clock } from '../ports.ts';
import type { IdempotencyStore, StoredResponse } from './idempotency-store.ts';

export class IdempotencyKeyReusedError extends RestockError {
  override readonly name = 'IdempotencyKeyReusedError';
  constructor(key: string) {
    super('IDEMPOTENCY_KEY_REUSED', `Idempotency-Key ${key} was used with a different request`, {
      details: { key },
    });
  }
}

export interface IdempotencyOptions {
  ttlSeconds: number;
  leaseMs: number;
}

export const DEFAULT_IDEMPOTENCY: IdempotencyOptions = { ttlSeconds: 24 * 3600, leaseMs: 30_000 };

export class Idempotency {
  constructor(
    private readonly store: IdempotencyStore,
    private readonly clock: Clock,
    private readonly options: IdempotencyOptions = DEFAULT_IDEMPOTENCY,
  ) {}

  async run(
    tenant: string,
    key: string,
    requestHash: string,
    execute: () => Promise<StoredResponse>,
  ): Promise<{ response: StoredResponse; replayed: boolean }> {
    const now = this.clock.now();
    const live = await this.store.begin(
      {
        tenant,
        key,
        requestHash,
        status: 'IN_PROGRESS',
        response: null,
        leaseUntil: now + this.options.leaseMs,
        expiresAt: Math.ceil(now / 1000) + this.options.ttlSeconds,
      },
      now,
    );
    if (live) {
      if (live.requestHash !== requestHash) throw new IdempotencyKeyReusedError(key);
      if (live.status === 'COMPLETED' && live.response) {
        return { response: live.response, replayed: true };
      }
      throw new ConflictError(`a request with Idempotency-Key ${key} is still running`);
    }
    let response: StoredResponse;
    try {
      response = await execute();
    } catch (error) {
      await this.store.abandon(tenant, key);
      throw error;
    }
    if (response.status >= 200 && response.status < 300) {
      await this.store.complete(tenant, key, response);
    } else {
      await this.store.abandon(tenant, key);
    }
    return { response, replayed: false };
  }
}
