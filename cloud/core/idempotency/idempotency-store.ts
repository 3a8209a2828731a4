/**
 * The port behind the API's Idempotency-Key handling. A record is IN_PROGRESS under a lease
 * that expires on its own (a crashed request never blocks its key for good), then COMPLETED
 * with the response to replay.
 */
export interface StoredResponse {
  status: number;
  body: unknown;
}

export interface IdempotencyRecord {
  tenant: string;
  key: string;
  requestHash: string;
  status: 'IN_PROGRESS' | 'COMPLETED';
  response: StoredResponse | null;
  /** Epoch ms after which an IN_PROGRESS record may be taken over. */
  leaseUntil: number;
  /** Epoch seconds (the table's TTL attribute). */
  expiresAt: number;
}

export interface IdempotencyStore {
  /**
   * Writes `record` unless a live record holds the key; returns null when written, else the
   * live record (expired or lease-lapsed records count as absent, `now` in epoch ms).
   */
  begin(record: IdempotencyRecord, now: number): Promise<IdempotencyRecord | null>;
  complete(tenant: string, key: string, response: StoredResponse): Promise<void>;
  /** Drops an IN_PROGRESS record after a failure, so the client may retry with the same key. */
  abandon(tenant: string, key: string): Promise<void>;
}
