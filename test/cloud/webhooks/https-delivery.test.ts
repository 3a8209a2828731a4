/**
 * Webhooks end to end against a real HTTPS receiver on loopback (its certificate issued by a CA
 * generated for this test): presses and order changes become signed deliveries; the receiver
 * follows the README's recipe (verify the signature in constant time, check the timestamp
 * window, de-duplicate on the event id); a receiver that is down is retried until it is back;
 * 24 hours of failures dead-letter a delivery, which the brand replays; during a secret
 * rotation both secrets sign; a receiver that never answers does not hold up presses.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, expect, it } from 'vitest';
import { httpsPoster } from '../../../cloud/core/webhooks/https-poster.ts';
import {
  backoffMs,
  verifySignature,
  WEBHOOK,
  WebhookDispatcher,
} from '../../../cloud/core/webhooks/webhooks.ts';
import { ensureDevCa } from '../../../cloud/dev/dev-ca.ts';
import { ACME, confirmOrder, type Fixture, seed } from '../api/helpers/fixture.ts';
import { ApiHarness } from '../api/helpers/harness.ts';

interface Received {
  eventId: string;
  type: string;
  verified: boolean;
  duplicate: boolean;
}

/** A receiver that follows the recipe; `mode` decides how it answers. */
class Receiver {
  readonly received: Received[] = [];
  readonly seen = new Set<string>();
  secrets: string[] = [];
  mode: 'ok' | 'fail' | 'hang' = 'ok';
  now = () => 0;
  private server: Server | null = null;
  port = 0;
  private readonly hanging: (() => void)[] = [];
  private onHold: (() => void) | null = null;

  /** Resolves once a request is being held (mode 'hang'). */
  holding(): Promise<void> {
    if (this.hanging.length > 0) return Promise.resolve();
    return new Promise((resolve) => {
      this.onHold = resolve;
    });
  }

  /** Drops every held request (the sender sees the connection reset). */
  release(): void {
    for (const drop of this.hanging.splice(0)) drop();
  }

  constructor(private readonly tls: { cert: string; key: string }) {}

  async start(): Promise<void> {
    const server = createServer(this.tls, (req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        if (this.mode === 'hang') {
          this.hanging.push(() => res.destroy());
          this.onHold?.();
          this.onHold = null;
          return;
        }
        if (this.mode === 'fail') {
          res.writeHead(500).end();
          return;
        }
        const body = Buffer.concat(chunks).toString('utf8');
        const header = String(req.headers['restock-signature'] ?? '');
        const eventId = String(req.headers['restock-event-id'] ?? '');
        const verified = this.secrets.some((secret) =>
          verifySignature(secret, header, body, Math.floor(this.now() / 1000)),
        );
        if (!verified) {
          res.writeHead(400).end();
          this.received.push({ eventId, type: '', verified, duplicate: false });
          return;
        }
        const parsed = JSON.parse(body) as { id: string; type: string };
        const duplicate = this.seen.has(parsed.id);
        this.seen.add(parsed.id);
        this.received.push({ eventId: parsed.id, type: parsed.type, verified, duplicate });
        res.writeHead(204).end();
      });
    });
    await new Promise<void>((resolve) => server.listen(this.port, '127.0.0.1', resolve));
    this.port = (server.address() as AddressInfo).port;
    this.server = server;
  }

  async stop(): Promise<void> {
    this.release();
    const server = this.server;
    this.server = null;
    if (!server) return;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  get url(): string {
    return `https://127.0.0.1:${this.port}/hooks`;
  }
}

let caDir: string;
let tls: { cert: string; key: string; ca: string };
beforeAll(async () => {
  caDir = await mkdtemp(join(tmpdir(), 'restock-webhook-ca-'));
  const ca = await ensureDevCa(caDir);
  tls = { cert: ca.server.certPem, key: ca.server.keyPem, ca: ca.caCertPem };
});
afterAll(() => rm(caDir, { recursive: true, force: true }));

let h: ApiHarness;
let f: Fixture;
let receiver: Receiver;
let dispatcher: WebhookDispatcher;
beforeEach(async () => {
  h = await ApiHarness.open();
  f = await seed(h);
  receiver = new Receiver(tls);
  receiver.now = () => h.clock.now();
  await receiver.start();
  dispatcher = new WebhookDispatcher({
    store: h.world.store.api.webhooks,
    post: httpsPoster({ ca: tls.ca }),
    clock: h.clock,
    log: h.world.log,
    random: () => 0.5,
    timeoutMs: 2_000,
  });
  return async () => {
    await receiver.stop();
    await h.close();
  };
});

async function register(types?: string[]): Promise<string> {
  const token = await h.token('brand', ACME);
  const secret = await h.call('POST', '/v1/brand/webhooks/secret', { token });
  expect(secret.status).toBe(201);
  const endpoint = await h.call('POST', '/v1/brand/webhooks/endpoints', {
    token,
    body: {
      url: receiver.url,
      eventTypes: types ?? [
        'order.placed',
        'order.confirmed',
        'order.cancelled',
        'order.shipped',
        'order.delivered',
      ],
    },
  });
  expect(endpoint.status).toBe(201);
  receiver.secrets = [secret.body.secret];
  return secret.body.secret;
}

/** Runs the dispatcher until nothing is due now. */
async function dispatchAll() {
  const total = { delivered: 0, retried: 0, dead: 0 };
  for (;;) {
    const round = await dispatcher.runDue();
    total.delivered += round.delivered;
    total.retried += round.retried;
    total.dead += round.dead;
    if (round.delivered + round.retried + round.dead === 0) return total;
  }
}

it('delivers every event signed; the receiver verifies and de-duplicates on the event id', async () => {
  await register();
  await confirmOrder(h);
  await h.world.orders.ship(f.orderId, { kind: 'brand', id: ACME });
  await h.world.orders.deliver(f.orderId, { kind: 'brand', id: ACME });
  const fresh = await h.device('btn-a').press();
  expect(fresh.outcome).toBe('ORDERED');
  await h.call('POST', `/v1/household/orders/${fresh.orderId}/cancel`, {
    token: f.tokens.hh1,
    body: {},
  });
  expect(await dispatchAll()).toEqual({ delivered: 5, retried: 0, dead: 0 });
  expect(receiver.received.map((r) => `${r.eventId} ${r.type}`)).toEqual([
    `${f.orderId}/2 order.confirmed`,
    `${f.orderId}/3 order.shipped`,
    `${f.orderId}/4 order.delivered`,
    `${fresh.orderId}/1 order.placed`,
    `${fresh.orderId}/2 order.cancelled`,
  ]);
  expect(receiver.received.every((r) => r.verified && !r.duplicate)).toBe(true);

  // The outbox publishes the same events again (at least once): no second delivery is made.
  await h.world.drain();
  await h.world.store.outbox.markPublished(f.orderId, 0);
  expect(await dispatchAll()).toEqual({ delivered: 0, retried: 0, dead: 0 });
});

it('retries a receiver that is down, with back-off, and delivers once it is back', async () => {
  await register(['order.placed', 'order.cancelled']);
  await receiver.stop();
  await h.call('POST', `/v1/household/orders/${f.orderId}/cancel`, {
    token: f.tokens.hh1,
    body: {},
  });
  const placed = await h.device('btn-b').press();
  expect(placed.outcome).toBe('ORDERED');
  expect(await dispatchAll()).toEqual({ delivered: 0, retried: 2, dead: 0 });
  let waited = 0;
  for (let attempt = 2; attempt <= 6; attempt++) {
    const wait = backoffMs(attempt - 1, () => 0.5);
    h.clock.advance(wait);
    waited += wait;
    expect(await dispatchAll()).toEqual({ delivered: 0, retried: 2, dead: 0 });
  }
  const [dead] = (await h.world.store.api.webhooks.dueDeliveries(h.clock.now() + 3_600_000, 10))
    .map((d) => d.lastError)
    .slice(0, 1);
  expect(dead).toBe('ECONNREFUSED');
  await receiver.start();
  h.clock.advance(backoffMs(6, () => 0.5));
  expect(await dispatchAll()).toEqual({ delivered: 2, retried: 0, dead: 0 });
  expect(receiver.received.map((r) => r.type).sort()).toEqual(['order.cancelled', 'order.placed']);
  expect(receiver.received.every((r) => r.verified)).toBe(true);
  expect(waited).toBeGreaterThan(0);
  // The failures were logged without any secret.
  const logged = JSON.stringify(h.world.log.lines);
  expect(logged).toContain('webhook attempt failed');
  expect(logged).not.toContain(receiver.secrets[0]);
});

it('dead-letters after 24 hours of failures; the brand lists and replays it', async () => {
  await register(['order.cancelled']);
  receiver.mode = 'fail';
  await h.call('POST', `/v1/household/orders/${f.orderId}/cancel`, {
    token: f.tokens.hh1,
    body: {},
  });
  let rounds = 0;
  let dead = 0;
  while (dead === 0) {
    const round = await dispatchAll();
    dead += round.dead;
    h.clock.advance(WEBHOOK.MAX_BACKOFF_MS);
    rounds++;
    expect(rounds).toBeLessThan(100);
  }
  const token = await h.token('brand', ACME);
  const letters = await h.call('GET', '/v1/brand/webhooks/dead-letters', { token });
  expect(letters.status).toBe(200);
  expect(letters.body.items).toHaveLength(1);
  const [letter] = letters.body.items;
  expect(letter).toMatchObject({
    status: 'DEAD',
    eventType: 'order.cancelled',
    lastError: 'HTTP 500',
  });
  expect(letter.attempts).toBeGreaterThan(10);
  expect(letter.deadAt - letter.createdAt).toBeGreaterThanOrEqual(WEBHOOK.RETRY_FOR_MS);
  expect(letter.body).toBeUndefined();

  receiver.mode = 'ok';
  receiver.now = () => h.clock.now();
  const other = await h.token('brand', 'globex');
  const foreign = await h.call(
    'POST',
    `/v1/brand/webhooks/dead-letters/${letter.deliveryId}/replay`,
    { token: other },
  );
  expect(foreign.status).toBe(404);
  const replay = await h.call(
    'POST',
    `/v1/brand/webhooks/dead-letters/${letter.deliveryId}/replay`,
    {
      token,
    },
  );
  expect(replay.status).toBe(200);
  expect(replay.body).toMatchObject({ status: 'PENDING', attempts: 0 });
  expect(await dispatchAll()).toEqual({ delivered: 1, retried: 0, dead: 0 });
  expect(receiver.received.filter((r) => r.verified).map((r) => r.eventId)).toEqual([
    `${f.orderId}/2`,
  ]);
  const again = await h.call(
    'POST',
    `/v1/brand/webhooks/dead-letters/${letter.deliveryId}/replay`,
    {
      token,
    },
  );
  expect(again.status).toBe(409);
});

it('signs with both secrets during a rotation, and with the new one only afterwards', async () => {
  const first = await register(['order.placed', 'order.cancelled']);
  const token = await h.token('brand', ACME);
  const rotated = await h.call('POST', '/v1/brand/webhooks/secret', { token });
  expect(rotated.body.previousUntil).toBe(h.clock.now() + WEBHOOK.ROTATION_OVERLAP_MS);
  const second = rotated.body.secret as string;
  const status = await h.call('GET', '/v1/brand/webhooks', { token });
  expect(JSON.stringify(status.body)).not.toContain(second);
  expect(status.body.secret.previousSecretId).not.toBeNull();

  // A receiver still on the old secret and one already on the new one both verify.
  receiver.secrets = [first];
  expect((await h.device('btn-b').press()).outcome).toBe('ORDERED');
  expect(await dispatchAll()).toEqual({ delivered: 1, retried: 0, dead: 0 });
  receiver.secrets = [second];
  expect((await h.device('btn-b').press('LONG')).outcome).toBe('CANCELLED');
  expect(await dispatchAll()).toEqual({ delivered: 1, retried: 0, dead: 0 });

  // After the overlap only the new secret signs: the old one no longer verifies.
  h.clock.advance(WEBHOOK.ROTATION_OVERLAP_MS + 60_000);
  receiver.secrets = [first];
  expect((await h.device('btn-b').press()).outcome).toBe('ORDERED');
  expect(await dispatchAll()).toEqual({ delivered: 0, retried: 1, dead: 0 });
  expect(receiver.received.at(-1)?.verified).toBe(false);
  receiver.secrets = [second];
  h.clock.advance(WEBHOOK.MAX_BACKOFF_MS);
  expect(await dispatchAll()).toEqual({ delivered: 1, retried: 0, dead: 0 });
  expect(receiver.received.filter((r) => r.verified)).toHaveLength(3);
});

it('a receiver that never answers holds no press: presses complete while its delivery hangs', async () => {
  await register(['order.placed']);
  receiver.mode = 'hang';
  expect((await h.device('btn-b').press()).outcome).toBe('ORDERED');
  // No timeout in reach: the delivery stays in flight until the receiver lets go.
  const patient = new WebhookDispatcher({
    store: h.world.store.api.webhooks,
    post: httpsPoster({ ca: tls.ca }),
    clock: h.clock,
    log: h.world.log,
    timeoutMs: 600_000,
  });
  let settled = false;
  const dispatching = patient.runDue().then((result) => {
    settled = true;
    return result;
  });
  await receiver.holding();
  const press = await h.device('btn-b').press('LONG');
  expect(press.outcome).toBe('CANCELLED');
  expect(settled).toBe(false);
  receiver.release();
  expect(await dispatching).toEqual({ delivered: 0, retried: 1, dead: 0 });

  // With the usual timeout a receiver that never answers is a failed attempt, retried later.
  h.clock.advance(WEBHOOK.MAX_BACKOFF_MS);
  const hasty = new WebhookDispatcher({
    store: h.world.store.api.webhooks,
    post: httpsPoster({ ca: tls.ca }),
    clock: h.clock,
    log: h.world.log,
    timeoutMs: 100,
  });
  expect(await hasty.runDue()).toEqual({ delivered: 0, retried: 1, dead: 0 });
  const stuck = await h.world.store.api.webhooks.dueDeliveries(h.clock.now() + 3_600_000, 10);
  expect(stuck.map((d) => d.lastError)).toEqual(['timeout']);
});

it('two dispatchers at once post each delivery once (the attempt is claimed first)', async () => {
  await register(['order.placed', 'order.cancelled']);
  await h.call('POST', `/v1/household/orders/${f.orderId}/cancel`, {
    token: f.tokens.hh1,
    body: {},
  });
  expect((await h.device('btn-b').press()).outcome).toBe('ORDERED');
  const other = new WebhookDispatcher({
    store: h.world.store.api.webhooks,
    post: httpsPoster({ ca: tls.ca }),
    clock: h.clock,
    log: h.world.log,
  });
  const [a, b] = await Promise.all([dispatcher.runDue(), other.runDue()]);
  expect(a.delivered + b.delivered).toBe(2);
  expect(receiver.received.map((r) => r.eventId).sort()).toEqual(
    [`${f.orderId}/2`, 'btn-b-1/1'].sort(),
  );
});
