/**
 * How many refused presses get a record in the press log. Refusals are answered and logged
 * whatever the budget says; only the stored record is rationed, so that a flood of forged
 * presses (for random device ids, from one connection) costs a bounded number of writes.
 *
 * Token buckets per device id and per connection (the MQTT client id the rule reports): a record
 * is written only when both have a token. Buckets live in memory — per Lambda container in AWS,
 * per process locally — and the oldest are forgotten beyond MAX_TRACKED keys, so the budget's
 * own memory is bounded too.
 */
import { BoundedMap } from '../bounded-map.ts';
import type { Clock } from '../ports.ts';

export interface BucketLimit {
  /** Records allowed at once. */
  burst: number;
  /** One more record allowed per this many milliseconds. */
  refillMs: number;
}

export interface RejectionLimits {
  perDevice: BucketLimit;
  perConnection: BucketLimit;
}

export const DEFAULT_REJECTION_LIMITS: RejectionLimits = {
  // A genuine button's own refusals (a replay, a cancel with nothing to cancel) are rare.
  perDevice: { burst: 10, refillMs: 60_000 },
  perConnection: { burst: 20, refillMs: 10_000 },
};

const MAX_TRACKED = 10_000;

interface Bucket {
  tokens: number;
  at: number;
}

export class RejectionBudget {
  /** Least recently used first: each use sets its bucket again. */
  private readonly buckets = new BoundedMap<string, Bucket>(MAX_TRACKED);

  constructor(
    private readonly clock: Clock,
    private readonly limits: RejectionLimits = DEFAULT_REJECTION_LIMITS,
  ) {}

  /** True (and both buckets charged) when this refusal may be recorded. */
  take(deviceId: string, connection: string): boolean {
    const now = this.clock.now();
    const device = this.bucket(`device:${deviceId}`, this.limits.perDevice, now);
    const conn = this.bucket(`connection:${connection}`, this.limits.perConnection, now);
    if (device.tokens < 1 || conn.tokens < 1) return false;
    device.tokens -= 1;
    conn.tokens -= 1;
    return true;
  }

  private bucket(key: string, limit: BucketLimit, now: number): Bucket {
    let bucket = this.buckets.get(key);
    if (bucket) {
      const refilled = Math.floor((now - bucket.at) / limit.refillMs);
      if (refilled > 0) {
        const tokens = Math.min(limit.burst, bucket.tokens + refilled);
        bucket = { tokens, at: bucket.at + refilled * limit.refillMs };
      }
    } else {
      bucket = { tokens: limit.burst, at: now };
    }
    this.buckets.set(key, bucket);
    return bucket;
  }
}
