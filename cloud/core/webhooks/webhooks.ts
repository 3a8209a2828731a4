/**
 * Signed webhooks for brands, built on the order-event outbox.
 *
 * - WebhookEnqueuer is an event sink: for every order or button event it adds one delivery per endpoint
 *   of the brand that asked for that event type, keyed by endpoint and event id, so a
 *   redelivered event never makes a second delivery. It only writes to the store — no HTTP on
 *   the path that publishes events.
 * - WebhookDispatcher runs on its own timer (the local stack) or schedule (AWS): it posts due
 *   deliveries in parallel, each with a timeout, and records the outcome with a conditional
 *   write. A failure is retried with exponential back-off and full jitter for 24 hours; then
 *   the delivery is dead-lettered and the brand can replay it. Delivery is at least once: the
 *   receiver de-duplicates on the event id.
 * - Every request carries `Restock-Event-Id`, `Restock-Timestamp` (epoch seconds) and
 *   `Restock-Signature: t={timestamp},v1={hex}` with one `v1` per valid secret, where hex is
 *   HMAC-SHA256 over `{timestamp}.{body}` — so the timestamp cannot be changed without
 *   breaking the signature. During a rotation both secrets sign.
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { RestockError } from '../errors.ts';
import type { ButtonEvent, ButtonEventSink } from '../events/button-events.ts';
import type { OrderEvent } from '../model.ts';
import type { Clock, EventSink, Log } from '../ports.ts';
import { WEBHOOK_EVENT_TYPES, type WebhookEventType, webhookTypeOf } from './event-types.ts';
import type { WebhookStore } from './webhook-store.ts';

export { WEBHOOK_EVENT_TYPES, type WebhookEventType, webhookTypeOf };

export const WEBHOOK = {
  /** Retries stop this long after the first attempt; the delivery is then dead-lettered. */
  RETRY_FOR_MS: 24 * 3_600_000,
  FIRST_BACKOFF_MS: 1_000,
  MAX_BACKOFF_MS: 3_600_000,
  /** How long a request may take before it counts as failed. */
  TIMEOUT_MS: 10_000,
  /** The old secret still signs for this long after a rotation. */
  ROTATION_OVERLAP_MS: 24 * 3_600_000,
  /** A receiver should refuse timestamps further than this from its clock. */
  TOLERANCE_S: 300,
  BATCH: 50,
  PARALLEL: 16,
} as const;

export interface WebhookEndpoint {
  brandId: string;
  endpointId: string;
  url: string;
  eventTypes: WebhookEventType[];
  createdAt: number;
}

export interface WebhookSecret {
  secretId: string;
  /** base64url; shown to the brand once, when created. */
  secret: string;
  createdAt: number;
}

export interface WebhookSecrets {
  brandId: string;
  version: number;
  current: WebhookSecret;
  /** The secret before the last rotation, still signing until `previousUntil`. */
  previous: WebhookSecret | null;
  previousUntil: number | null;
}

export type DeliveryStatus = 'PENDING' | 'DELIVERED' | 'DEAD';

export interface WebhookDelivery {
  deliveryId: string;
  brandId: string;
  endpointId: string;
  url: string;
  eventId: string;
  eventType: WebhookEventType;
  /** The exact JSON that is signed and posted. */
  body: string;
  status: DeliveryStatus;
  attempts: number;
  createdAt: number;
  nextAttemptAt: number;
  lastAttemptAt: number | null;
  /** HTTP status or a short reason (`timeout`, `connection refused`), never a response body. */
  lastError: string | null;
  deliveredAt: number | null;
  deadAt: number | null;
}

export class WebhookError extends RestockError {
  override readonly name: string = 'WebhookError';
}

export class WebhookNotFoundError extends WebhookError {
  override readonly name = 'WebhookNotFoundError';
  constructor(what: string, id: string) {
    super('NOT_FOUND', `${what} ${id} was not found`, { details: { what, id } });
  }
}

export class WebhookRuleError extends WebhookError {
  override readonly name = 'WebhookRuleError';
  constructor(code: string, message: string, details: Record<string, unknown> = {}) {
    super(code, message, { details });
  }
}

export function deliveryIdOf(endpointId: string, eventId: string): string {
  return `${endpointId}.${eventId.replaceAll('/', '.')}`;
}

/** The body a receiver gets: the event, without the household's id (brands see orders only). */
export function webhookBody(event: OrderEvent | ButtonEvent): string {
  const data =
    'order' in event
      ? { order: withoutHousehold(event.order) }
      : { button: { deviceId: event.deviceId, ...event.data } };
  return JSON.stringify({
    id: event.eventId,
    type: webhookTypeOf(event.type),
    createdAt: new Date(event.at).toISOString(),
    brandId: event.brandId,
    // A sandbox order: brands test their integration with these and must not fulfil them.
    ...('order' in event && event.order.test ? { test: true } : {}),
    data,
  });
}

function withoutHousehold(order: OrderEvent['order']) {
  const { householdId: _h, ...rest } = order;
  return rest;
}

export function hmacHex(secret: string, timestamp: number, body: string): string {
  return createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex');
}

/** The signature header: one `v1` per secret that signs now. */
export function signatureHeader(secrets: string[], timestamp: number, body: string): string {
  return [`t=${timestamp}`, ...secrets.map((s) => `v1=${hmacHex(s, timestamp, body)}`)].join(',');
}

/**
 * The receiver's check (the README's recipe in code): a `v1` matches the secret in constant
 * time and the timestamp is within the tolerance. Receivers de-duplicate on the event id.
 */
export function verifySignature(
  secret: string,
  header: string,
  body: string,
  nowSeconds: number,
  toleranceSeconds: number = WEBHOOK.TOLERANCE_S,
): boolean {
  const parts = header.split(',').map((p) => p.trim().split('='));
  const t = Number(parts.find(([k]) => k === 't')?.[1]);
  if (!Number.isInteger(t) || Math.abs(nowSeconds - t) > toleranceSeconds) return false;
  const expected = Buffer.from(hmacHex(secret, t, body), 'hex');
  return parts
    .filter(([k, v]) => k === 'v1' && v !== undefined && /^[0-9a-f]{64}$/.test(v))
    .some(([, v]) => timingSafeEqual(Buffer.from(v as string, 'hex'), expected));
}

export function newSecret(now: number): WebhookSecret {
  return {
    secretId: `whsec_${randomBytes(6).toString('hex')}`,
    secret: randomBytes(32).toString('base64url'),
    createdAt: now,
  };
}

/** The secrets that sign at `now`: the current one, and the previous one during its overlap. */
export function signingSecrets(secrets: WebhookSecrets, now: number): string[] {
  const out = [secrets.current.secret];
  if (secrets.previous && (secrets.previousUntil ?? 0) > now) out.push(secrets.previous.secret);
  return out;
}

/** Exponential back-off with full jitter: a random wait in [0, min(cap, first·2^(n−1))]. */
export function backoffMs(attempts: number, random: () => number = Math.random): number {
  const ceiling = Math.min(WEBHOOK.MAX_BACKOFF_MS, WEBHOOK.FIRST_BACKOFF_MS * 2 ** (attempts - 1));
  return Math.floor(random() * ceiling);
}

/** Turns order and button events into deliveries for the endpoints that asked for them. */
export class WebhookEnqueuer implements EventSink, ButtonEventSink {
  constructor(
    private readonly store: WebhookStore,
    private readonly clock: Clock,
  ) {}

  emit(events: OrderEvent[]): Promise<void> {
    return this.enqueue(events);
  }

  emitButtonEvents(events: ButtonEvent[]): Promise<void> {
    return this.enqueue(events);
  }

  private async enqueue(events: (OrderEvent | ButtonEvent)[]): Promise<void> {
    const endpointsOf = new Map<string, Promise<WebhookEndpoint[]>>();
    const additions: Promise<boolean>[] = [];
    for (const event of events) {
      let endpoints = endpointsOf.get(event.brandId);
      if (!endpoints) {
        endpoints = this.store.listEndpoints(event.brandId);
        endpointsOf.set(event.brandId, endpoints);
      }
      const type = webhookTypeOf(event.type);
      for (const endpoint of await endpoints) {
        if (!endpoint.eventTypes.includes(type)) continue;
        const now = this.clock.now();
        // All of a batch's deliveries are written at once: one at a time, the queue fell
        // seconds behind the orders on a busy machine.
        additions.push(
          this.store.addDelivery({
            deliveryId: deliveryIdOf(endpoint.endpointId, event.eventId),
            brandId: event.brandId,
            endpointId: endpoint.endpointId,
            url: endpoint.url,
            eventId: event.eventId,
            eventType: type,
            body: webhookBody(event),
            status: 'PENDING',
            attempts: 0,
            createdAt: now,
            nextAttemptAt: now,
            lastAttemptAt: null,
            lastError: null,
            deliveredAt: null,
            deadAt: null,
          }),
        );
      }
    }
    await Promise.all(additions);
  }
}

/** One HTTP POST; resolves to the status code, rejects on network failure or timeout. */
export type WebhookPoster = (
  url: string,
  headers: Record<string, string>,
  body: string,
  timeoutMs: number,
) => Promise<number>;

const LEASE_MARGIN_MS = 5_000;
/** Requests a ticking dispatcher keeps in flight at most. */
const MAX_IN_FLIGHT = 64;

export interface DispatchResult {
  delivered: number;
  retried: number;
  dead: number;
}

export class WebhookDispatcher {
  constructor(
    private readonly deps: {
      store: WebhookStore;
      post: WebhookPoster;
      clock: Clock;
      log: Log;
      random?: () => number;
      timeoutMs?: number;
    },
  ) {}

  private readonly rounds = new Set<Promise<unknown>>();
  private inFlight = 0;

  /**
   * For a timer: starts a round for as many due deliveries as MAX_IN_FLIGHT leaves room for,
   * without waiting for it — a slow
   * receiver holds its own requests, never the next round. Failures go to the log.
   */
  tick(): void {
    const room = MAX_IN_FLIGHT - this.inFlight;
    if (room <= 0) return;
    const round = this.runDue({ limit: Math.min(room, WEBHOOK.BATCH), parallel: room }).catch(
      (error: unknown) => this.deps.log.error('webhook round failed', { error: String(error) }),
    );
    this.rounds.add(round);
    void round.finally(() => this.rounds.delete(round));
  }

  /** Resolves when every round started by `tick` has finished. */
  async idle(): Promise<void> {
    while (this.rounds.size > 0) await Promise.all([...this.rounds]);
  }

  /** Attempts every delivery due now (in batches, in parallel) once. */
  async runDue(options: { limit?: number; parallel?: number } = {}): Promise<DispatchResult> {
    const result: DispatchResult = { delivered: 0, retried: 0, dead: 0 };
    const limit = options.limit ?? WEBHOOK.BATCH;
    const due = await this.deps.store.dueDeliveries(this.deps.clock.now(), limit);
    const secretsOf = new Map<string, Promise<WebhookSecrets | null>>();
    let next = 0;
    const lane = async () => {
      while (next < due.length) {
        const delivery = due[next++] as WebhookDelivery;
        let secrets = secretsOf.get(delivery.brandId);
        if (!secrets) {
          secrets = this.deps.store.getSecrets(delivery.brandId);
          secretsOf.set(delivery.brandId, secrets);
        }
        this.inFlight++;
        try {
          const outcome = await this.attempt(delivery, await secrets);
          if (outcome) result[outcome]++;
        } finally {
          this.inFlight--;
        }
      }
    };
    const lanes = Math.min(options.parallel ?? WEBHOOK.PARALLEL, due.length);
    await Promise.all(Array.from({ length: lanes }, lane));
    return result;
  }

  private async attempt(
    delivery: WebhookDelivery,
    secrets: WebhookSecrets | null,
  ): Promise<keyof DispatchResult | null> {
    const { store, clock, log } = this.deps;
    const started = clock.now();
    const timeoutMs = this.deps.timeoutMs ?? WEBHOOK.TIMEOUT_MS;
    // Claim the attempt first (counted, and hidden from the queue for the request's lifetime):
    // concurrent dispatchers never post it twice, and a dispatcher that dies mid-request
    // leaves it due again once the lease has passed — no lock that can stay stuck.
    const claimed: WebhookDelivery = {
      ...delivery,
      attempts: delivery.attempts + 1,
      lastAttemptAt: started,
      nextAttemptAt: started + timeoutMs + LEASE_MARGIN_MS,
    };
    const expected = { status: delivery.status, attempts: delivery.attempts };
    if (!(await store.updateDelivery(claimed, expected))) return null;
    let error: string | null = null;
    if (!secrets) {
      error = 'no webhook secret';
    } else {
      const timestamp = Math.floor(started / 1000);
      const headers = {
        'Content-Type': 'application/json',
        'User-Agent': 'Restock-Webhooks/1',
        'Restock-Event-Id': delivery.eventId,
        'Restock-Event-Type': delivery.eventType,
        'Restock-Timestamp': String(timestamp),
        'Restock-Signature': signatureHeader(
          signingSecrets(secrets, started),
          timestamp,
          delivery.body,
        ),
      };
      try {
        const status = await this.deps.post(delivery.url, headers, delivery.body, timeoutMs);
        if (status < 200 || status > 299) error = `HTTP ${status}`;
      } catch (cause) {
        error = shortReason(cause);
      }
    }
    const now = clock.now();
    const attempts = claimed.attempts;
    const base = { ...claimed, lastAttemptAt: now, lastError: error };
    let next: WebhookDelivery;
    let outcome: keyof DispatchResult;
    if (error === null) {
      next = { ...base, status: 'DELIVERED', deliveredAt: now };
      outcome = 'delivered';
    } else if (now - delivery.createdAt >= WEBHOOK.RETRY_FOR_MS) {
      next = { ...base, status: 'DEAD', deadAt: now };
      outcome = 'dead';
    } else {
      const wait = backoffMs(attempts, this.deps.random);
      next = {
        ...base,
        nextAttemptAt: Math.min(now + wait, delivery.createdAt + WEBHOOK.RETRY_FOR_MS),
      };
      outcome = 'retried';
    }
    const recorded = await store.updateDelivery(next, {
      status: 'PENDING',
      attempts: claimed.attempts,
    });
    if (!recorded) return null;
    if (error !== null) {
      log.warn('webhook attempt failed', {
        deliveryId: delivery.deliveryId,
        eventId: delivery.eventId,
        attempts,
        error,
        status: next.status,
      });
    }
    return outcome;
  }
}

function shortReason(cause: unknown): string {
  const name = (cause as { name?: string } | null)?.name;
  if (name === 'TimeoutError' || name === 'AbortError') return 'timeout';
  const code = (cause as { cause?: { code?: string }; code?: string } | null)?.cause?.code;
  return code ?? (cause as { code?: string } | null)?.code ?? 'network error';
}

/** Brand-facing operations on endpoints, secrets and dead letters (the API's service). */
export class Webhooks {
  constructor(
    private readonly store: WebhookStore,
    private readonly clock: Clock,
    private readonly newId: () => string,
  ) {}

  async addEndpoint(
    brandId: string,
    input: { url: string; eventTypes: WebhookEventType[] },
  ): Promise<WebhookEndpoint> {
    const url = new URL(input.url);
    if (url.protocol !== 'https:') {
      throw new WebhookRuleError('HTTPS_REQUIRED', 'webhook endpoints must use https', {
        url: input.url,
      });
    }
    const endpoint: WebhookEndpoint = {
      brandId,
      endpointId: `we_${this.newId()
        .replace(/[^A-Za-z0-9]/g, '')
        .slice(0, 24)}`,
      url: url.toString(),
      eventTypes: [...new Set(input.eventTypes)],
      createdAt: this.clock.now(),
    };
    await this.store.putEndpoint(endpoint);
    return endpoint;
  }

  async removeEndpoint(brandId: string, endpointId: string): Promise<void> {
    if (!(await this.store.deleteEndpoint(brandId, endpointId))) {
      throw new WebhookNotFoundError('webhook endpoint', endpointId);
    }
  }

  /** Creates the first secret, or rotates: the old one keeps signing for the overlap. */
  async rotateSecret(brandId: string): Promise<WebhookSecrets> {
    for (let attempt = 0; attempt < 5; attempt++) {
      const now = this.clock.now();
      const old = await this.store.getSecrets(brandId);
      const next: WebhookSecrets = {
        brandId,
        version: (old?.version ?? 0) + 1,
        current: newSecret(now),
        previous: old?.current ?? null,
        previousUntil: old ? now + WEBHOOK.ROTATION_OVERLAP_MS : null,
      };
      if (await this.store.putSecrets(next, old?.version ?? 0)) return next;
    }
    throw new WebhookRuleError('CONFLICT', 'the webhook secret changed concurrently; retry');
  }

  /** Puts a dead-lettered delivery back in the queue as a new 24-hour run. */
  async replay(brandId: string, deliveryId: string): Promise<WebhookDelivery> {
    const delivery = await this.store.getDelivery(brandId, deliveryId);
    if (!delivery) throw new WebhookNotFoundError('webhook delivery', deliveryId);
    if (delivery.status !== 'DEAD') {
      throw new WebhookRuleError('NOT_DEAD', `delivery ${deliveryId} is ${delivery.status}`);
    }
    const now = this.clock.now();
    const next: WebhookDelivery = {
      ...delivery,
      status: 'PENDING',
      attempts: 0,
      createdAt: now,
      nextAttemptAt: now,
      deadAt: null,
    };
    if (!(await this.store.updateDelivery(next, { status: 'DEAD', attempts: delivery.attempts }))) {
      throw new WebhookRuleError('CONFLICT', `delivery ${deliveryId} changed concurrently`);
    }
    return next;
  }
}
