/** Every route's success path, through app.request with real signed tokens. */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { BURST_WINDOW_MS } from '../../../cloud/core/guard/guard.ts';
import { ACME, confirmOrder, type Fixture, HH1, HH2, PROFILE_1, seed } from './helpers/fixture.ts';
import { ApiHarness, type Reply } from './helpers/harness.ts';

let h: ApiHarness;
let f: Fixture;

beforeEach(async () => {
  h = await ApiHarness.open();
  f = await seed(h);
});
afterEach(() => h.close());

describe('meta', () => {
  it('GET /health', async () => {
    const reply = await h.call('GET', '/health');
    expect(reply).toMatchObject({ status: 200, body: { status: 'ok' } });
  });

  it('answers malformed JSON, a wrong media type and an oversized body in the error shape', async () => {
    const post = (body: string, type: string) =>
      h.app.request('/v1/brand/skus', {
        method: 'POST',
        body,
        headers: { Authorization: `Bearer ${f.tokens.acme}`, 'Content-Type': type },
      });
    const cases: [Response, number, string][] = [
      [await post('{', 'application/json'), 400, 'VALIDATION_FAILED'],
      [await post('{}', 'text/plain'), 415, 'UNSUPPORTED_MEDIA_TYPE'],
      [await post(`"${'x'.repeat(70_000)}"`, 'application/json'), 413, 'PAYLOAD_TOO_LARGE'],
    ];
    for (const [response, status, code] of cases) {
      expect(response.status).toBe(status);
      expect(((await response.json()) as Reply['body']).error.code).toBe(code);
    }
  });

  it('answers unknown routes with the error shape', async () => {
    const reply = await h.call('GET', '/nope');
    expect(reply.status).toBe(404);
    expect(reply.body.error.code).toBe('NOT_FOUND');
  });
});

describe('brand', () => {
  it('GET /v1/brand/skus pages through the brand’s SKUs', async () => {
    const first = await h.call('GET', '/v1/brand/skus?limit=1', { token: f.tokens.acme });
    expect(first.status).toBe(200);
    expect(first.body.items.map((s: { skuId: unknown }) => s.skuId)).toEqual(['coffee']);
    const second = await h.call('GET', `/v1/brand/skus?limit=1&cursor=${first.body.cursor}`, {
      token: f.tokens.acme,
    });
    expect(second.body.items.map((s: { skuId: unknown }) => s.skuId)).toEqual(['tea']);
  });

  it('POST /v1/brand/skus creates a SKU and honours Idempotency-Key', async () => {
    const body = {
      skuId: 'cocoa',
      name: 'Cocoa',
      priceCents: 499,
      currency: 'EUR',
      maxQuantity: 3,
    };
    const headers = { 'Idempotency-Key': 'sku-cocoa-1' };
    const first = await h.call('POST', '/v1/brand/skus', { token: f.tokens.acme, body, headers });
    expect(first.status).toBe(201);
    expect(first.body).toMatchObject({ skuId: 'cocoa', inStock: true, retired: false });
    const again = await h.call('POST', '/v1/brand/skus', { token: f.tokens.acme, body, headers });
    expect(again.status).toBe(201);
    expect(again.body).toEqual(first.body);
    expect(again.headers.get('Idempotent-Replayed')).toBe('true');
    const other = await h.call('POST', '/v1/brand/skus', {
      token: f.tokens.acme,
      body: { ...body, priceCents: 1 },
      headers,
    });
    expect(other.status).toBe(422);
    expect(other.body.error.code).toBe('IDEMPOTENCY_KEY_REUSED');
    const badKey = await h.call('POST', '/v1/brand/skus', {
      token: f.tokens.acme,
      body,
      headers: { 'Idempotency-Key': 'has spaces' },
    });
    expect(badKey.status).toBe(400);
    const duplicate = await h.call('POST', '/v1/brand/skus', { token: f.tokens.acme, body });
    expect(duplicate.status).toBe(409);
  });

  it('GET /v1/brand/skus/{skuId}', async () => {
    const reply = await h.call('GET', '/v1/brand/skus/coffee', { token: f.tokens.acme });
    expect(reply.status).toBe(200);
    expect(reply.body).toMatchObject({ brandId: ACME, priceCents: 1299 });
  });

  it('PATCH /v1/brand/skus/{skuId} keeps the price history', async () => {
    h.clock.advance(1000);
    const reply = await h.call('PATCH', '/v1/brand/skus/coffee', {
      token: f.tokens.acme,
      body: { priceCents: 1399, inStock: false },
    });
    expect(reply.status).toBe(200);
    expect(reply.body.priceHistory.map((p: { priceCents: unknown }) => p.priceCents)).toEqual([
      1299, 1399,
    ]);
    expect(reply.body.inStock).toBe(false);
  });

  it('POST /v1/brand/skus/{skuId}/retire, after which the SKU cannot be bound', async () => {
    const reply = await h.call('POST', '/v1/brand/skus/tea/retire', { token: f.tokens.acme });
    expect(reply.status).toBe(200);
    expect(reply.body.retired).toBe(true);
    const bind = await h.call('PUT', '/v1/brand/buttons/btn-c/sku', {
      token: f.tokens.acme,
      body: { skuId: 'tea' },
    });
    expect(bind.status).toBe(422);
    expect(bind.body.error.code).toBe('SKU_RETIRED');
  });

  it('GET /v1/brand/buttons lists the brand’s buttons without secrets', async () => {
    const reply = await h.call('GET', '/v1/brand/buttons', { token: f.tokens.acme });
    expect(reply.status).toBe(200);
    expect(reply.body.items.map((b: { deviceId: unknown }) => b.deviceId)).toEqual([
      'btn-a',
      'btn-b',
      'btn-c',
    ]);
    const text = JSON.stringify(reply.body);
    expect(text).not.toContain(f.claimCodes['btn-c']);
    expect(text).not.toMatch(/claimHash|key"/i);
  });

  it('POST /v1/brand/buttons returns claim codes once; a replay derives the same ones', async () => {
    const body = { buttons: [{ deviceId: 'btn-d', serial: 'SN-D' }] };
    const headers = { 'Idempotency-Key': 'batch-7' };
    const first = await h.call('POST', '/v1/brand/buttons', {
      token: f.tokens.acme,
      body,
      headers,
    });
    expect(first.status).toBe(201);
    const code = first.body.buttons[0].claimCode;
    expect(code).toMatch(/^[0-9A-Z]{4}(-[0-9A-Z]{4}){3}$/);
    const replay = await h.call('POST', '/v1/brand/buttons', {
      token: f.tokens.acme,
      body,
      headers,
    });
    expect(replay.body).toEqual(first.body);
    // Only hashes rest in the table: neither the code nor its normalised form is stored.
    const stored = JSON.stringify(await h.snapshot());
    expect(stored).not.toContain(code);
    expect(stored).not.toContain(code.replaceAll('-', ''));
  });

  it('POST /v1/brand/buttons refuses a device id held by another brand as an unknown one (404)', async () => {
    const reply = await h.call('POST', '/v1/brand/buttons', {
      token: f.tokens.globex,
      body: { buttons: [{ deviceId: 'btn-c', serial: 'SN-C' }] },
    });
    expect(reply.status).toBe(404);
  });

  it('GET /v1/brand/buttons/{deviceId}', async () => {
    const reply = await h.call('GET', '/v1/brand/buttons/btn-a', { token: f.tokens.acme });
    expect(reply.status).toBe(200);
    expect(reply.body).toMatchObject({ deviceId: 'btn-a', claimed: true });
    expect(reply.body.openOrders).toEqual([{ orderId: f.orderId, status: 'PLACED' }]);
  });

  it('PUT /v1/brand/buttons/{deviceId}/sku re-binds among the brand’s SKUs only', async () => {
    const reply = await h.call('PUT', '/v1/brand/buttons/btn-b/sku', {
      token: f.tokens.acme,
      body: { skuId: 'coffee' },
    });
    expect(reply.status).toBe(200);
    expect(reply.body.settings).toMatchObject({ skuId: 'coffee', acceptedPriceCents: null });
    const foreign = await h.call('PUT', '/v1/brand/buttons/btn-b/sku', {
      token: f.tokens.acme,
      body: { skuId: 'soap' },
    });
    expect(foreign.status).toBe(422);
    expect(foreign.body.error.code).toBe('UNKNOWN_SKU');
  });

  it('GET /v1/brand/fulfilment lists CONFIRMED orders oldest first with the address', async () => {
    await h.call('PATCH', '/v1/household/buttons/btn-a/settings', {
      token: f.tokens.hh1,
      body: { maxOpenOrders: 3 },
    });
    // Outside the burst window, or the second press would count as the same intent.
    h.clock.advance(BURST_WINDOW_MS);
    const second = await h.device('btn-a').press('SINGLE');
    expect(second.outcome).toBe('ORDERED');
    await confirmOrder(h);
    const reply = await h.call('GET', '/v1/brand/fulfilment?limit=1', { token: f.tokens.acme });
    expect(reply.status).toBe(200);
    expect(reply.body.items).toHaveLength(1);
    expect(reply.body.items[0]).toMatchObject({
      orderId: f.orderId,
      status: 'CONFIRMED',
      shipTo: { name: PROFILE_1.name, address: PROFILE_1.address },
    });
    const next = await h.call('GET', `/v1/brand/fulfilment?limit=1&cursor=${reply.body.cursor}`, {
      token: f.tokens.acme,
    });
    expect(next.body.items[0].orderId).toBe(second.orderId);
  });

  it('GET /v1/brand/orders?status= lists the brand’s orders in that status once the cancel window closed', async () => {
    const placed = await h.call('GET', '/v1/brand/orders?status=PLACED', { token: f.tokens.acme });
    expect(placed.status).toBe(200);
    expect(placed.body.items).toEqual([]);
    await confirmOrder(h);
    const confirmed = await h.call('GET', '/v1/brand/orders?status=CONFIRMED', {
      token: f.tokens.acme,
    });
    expect(confirmed.body.items.map((o: { orderId: string }) => o.orderId)).toContain(f.orderId);
    const shipped = await h.call('GET', '/v1/brand/orders?status=SHIPPED', {
      token: f.tokens.acme,
    });
    expect(shipped.body.items).toEqual([]);
    const bad = await h.call('GET', '/v1/brand/orders?status=LOST', { token: f.tokens.acme });
    expect(bad.status).toBe(400);
  });

  it('GET /v1/brand/orders/{orderId}', async () => {
    const reply = await h.call('GET', `/v1/brand/orders/${f.orderId}`, { token: f.tokens.acme });
    expect(reply.status).toBe(200);
    expect(reply.body).toMatchObject({ orderId: f.orderId, brandId: ACME, skuId: 'coffee' });
  });

  it('POST ship then deliver; delivery frees the button and the household hears of every step', async () => {
    await confirmOrder(h);
    const shipped = await h.call('POST', `/v1/brand/orders/${f.orderId}/ship`, {
      token: f.tokens.acme,
    });
    expect(shipped.status).toBe(200);
    expect(shipped.body.status).toBe('SHIPPED');
    const delivered = await h.call('POST', `/v1/brand/orders/${f.orderId}/deliver`, {
      token: f.tokens.acme,
    });
    expect(delivered.body.status).toBe('DELIVERED');
    const button = await h.call('GET', '/v1/brand/buttons/btn-a', { token: f.tokens.acme });
    expect(button.body.openOrders).toEqual([]);
    const notes = await h.call('GET', '/v1/household/notifications', { token: f.tokens.hh1 });
    expect(notes.body.items.map((n: { kind: unknown }) => n.kind)).toEqual([
      'OrderDelivered',
      'OrderShipped',
      'OrderConfirmed',
      'OrderPlaced',
    ]);
  });

  it('GET /v1/brand/totals', async () => {
    const reply = await h.call('GET', '/v1/brand/totals', { token: f.tokens.acme });
    expect(reply.status).toBe(200);
    expect(reply.body).toMatchObject({ brandId: ACME, orders: 1, byStatus: { PLACED: 1 } });
  });

  it('GET /v1/brand/insight: orders per day per SKU and cancellations per SKU', async () => {
    await h.call('POST', `/v1/household/orders/${f.orderId}/cancel`, {
      token: f.tokens.hh1,
      body: { reason: 'pressed by accident' },
    });
    expect((await h.device('btn-a').press()).outcome).toBe('ORDERED');
    const reply = await h.call('GET', '/v1/brand/insight', { token: f.tokens.acme });
    expect(reply.status).toBe(200);
    expect(reply.body).toMatchObject({
      brandId: ACME,
      from: '2026-10-25',
      to: '2026-11-23',
      days: [{ day: '2026-11-23', skuId: 'coffee', orders: 2, cancelled: 1 }],
      skus: [
        {
          skuId: 'coffee',
          orders: 2,
          cancelled: 1,
          cancellationRate: 0.5,
          // Cancelled inside its window: an accidental order.
          accidental: 1,
          accidentalRate: 0.5,
        },
      ],
    });
    const dayBefore = await h.call('GET', '/v1/brand/insight?from=2026-11-22&to=2026-11-22', {
      token: f.tokens.acme,
    });
    expect(dayBefore.body).toMatchObject({ from: '2026-11-22', days: [], skus: [] });
    const backwards = await h.call('GET', '/v1/brand/insight?from=2026-11-24&to=2026-11-01', {
      token: f.tokens.acme,
    });
    expect(backwards.status).toBe(400);
    expect(backwards.body.error.code).toBe('INVALID_RANGE');
  });
});

describe('household', () => {
  it('a claimed button orders nothing before its terms are accepted; the terms say what a press costs', async () => {
    await h.call('POST', '/v1/household/claims', {
      token: f.tokens.hh1,
      body: { claimCode: f.claimCodes['btn-c'] },
    });
    await h.call('PUT', '/v1/brand/buttons/btn-c/sku', {
      token: f.tokens.acme,
      body: { skuId: 'tea' },
    });
    const terms = await h.call('GET', '/v1/household/buttons/btn-c/terms', { token: f.tokens.hh1 });
    expect(terms.body).toMatchObject({
      skuName: 'Black tea 500 g',
      unitPriceCents: 699,
      quantity: 1,
    });
    expect(terms.body.wording).toEqual({
      en: 'Each press of this button orders 1 × Black tea 500 g at €6.99 each, with an obligation to pay. If the price rises by more than 0%, the button asks you first.',
      fr: 'Chaque appui sur ce bouton commande 1 × Black tea 500 g à 6,99\u00a0€ l’unité, avec obligation de paiement. Si le prix augmente de plus de 0\u00a0%, le bouton vous demande d’abord.',
    });
    h.clock.advance(60_000);
    expect((await h.device('btn-c').press('SINGLE')).outcome).toBe('NEEDS_CONFIRMATION');

    const stale = await h.call('POST', '/v1/household/buttons/btn-c/terms', {
      token: f.tokens.hh1,
      body: { priceCents: 599 },
    });
    expect(stale.status).toBe(409);
    expect(stale.body.error.code).toBe('PRICE_CHANGED');
    const accepted = await h.call('POST', '/v1/household/buttons/btn-c/terms', {
      token: f.tokens.hh1,
      body: { priceCents: 699 },
    });
    expect(accepted.body.acceptedPriceCents).toBe(699);
  });

  it('shows the household its next-need hint and what was learned; brands and support never see it', async () => {
    const brand = { kind: 'brand', id: ACME } as const;
    for (let i = 0; i < 3; i++) {
      if (i > 0) {
        h.clock.advance(20 * 24 * 3_600_000);
        await h.device('btn-a').press('SINGLE');
      }
      h.clock.advance(31 * 60_000);
      await h.world.orders.sweep();
      const orderId = `btn-a-${i + 1}`;
      await h.world.orders.ship(orderId, brand);
      await h.world.orders.deliver(orderId, brand);
    }
    // Forty days on, the fixture's tokens have expired: fresh ones for each role.
    const tokens = {
      hh1: await h.token('household', HH1),
      acme: await h.token('brand', ACME),
      support: await h.token('support'),
    };
    const mine = await h.call('GET', '/v1/household/buttons/btn-a', { token: tokens.hh1 });
    expect(mine.body.nextNeed).toMatchObject({ usualIntervalDays: 20, basis: 'household' });
    // Next around one usual interval (20 days and the 31 minutes each order waited) after the last.
    expect(mine.body.nextNeed.nextAt - mine.body.nextNeed.lastOrderAt).toBe(
      20 * 24 * 3_600_000 + 31 * 60_000,
    );
    expect(mine.body.rhythm.coffee.orderedAt).toHaveLength(3);
    const exported = await h.call('GET', '/v1/household/export', { token: tokens.hh1 });
    expect(exported.body.buttons[0].rhythm.coffee.orderedAt).toHaveLength(3);

    const asBrand = await h.call('GET', '/v1/brand/buttons/btn-a', { token: tokens.acme });
    const asSupport = await h.call('GET', '/v1/support/buttons/btn-a', { token: tokens.support });
    for (const view of [asBrand.body, asSupport.body]) {
      expect(view).not.toHaveProperty('rhythm');
      expect(view).not.toHaveProperty('nextNeed');
    }

    await h.call('PATCH', '/v1/household/buttons/btn-a/settings', {
      token: tokens.hh1,
      body: { learnRhythm: false },
    });
    const off = await h.call('GET', '/v1/household/buttons/btn-a', { token: tokens.hh1 });
    expect(off.body.nextNeed).toBeNull();
    // Switching learning off forgets what was learned, not only stops using it.
    expect(off.body.rhythm).toEqual({});
    expect((await h.world.store.press.loadContext('btn-a')).button?.rhythm).toEqual({});
  });

  it('GET and PATCH /v1/household/settings: time zone, quiet hours and learning for every button', async () => {
    const read = await h.call('GET', '/v1/household/settings', { token: f.tokens.hh1 });
    expect(read.body).toEqual({ timeZone: 'UTC', quietHours: null, learnRhythm: true });
    // The household's other button (btn-c) is claimed after the change: it takes it too.
    const brand = { kind: 'brand', id: ACME } as const;
    h.clock.advance(31 * 60_000);
    await h.world.orders.sweep();
    await h.world.orders.ship(f.orderId, brand);
    await h.world.orders.deliver(f.orderId, brand);
    expect((await h.world.store.press.loadContext('btn-a')).button?.rhythm).not.toEqual({});

    const changes = {
      timeZone: 'America/Los_Angeles',
      quietHours: { from: '21:30', to: '06:45' },
      learnRhythm: false,
    };
    const changed = await h.call('PATCH', '/v1/household/settings', {
      token: f.tokens.hh1,
      body: changes,
    });
    expect(changed.status).toBe(200);
    expect(changed.body).toEqual(changes);
    expect(await h.call('GET', '/v1/household/settings', { token: f.tokens.hh1 })).toMatchObject({
      body: changes,
    });
    const a = await h.call('GET', '/v1/household/buttons/btn-a', { token: f.tokens.hh1 });
    expect(a.body.settings).toMatchObject(changes);
    expect(a.body.rhythm).toEqual({});
    expect(a.body.nextNeed).toBeNull();
    // The other household's button is untouched.
    const b = await h.call('GET', '/v1/household/buttons/btn-b', { token: f.tokens.hh2 });
    expect(b.body.settings).toMatchObject({ timeZone: 'UTC', quietHours: null, learnRhythm: true });

    const claimed = await h.call('POST', '/v1/household/claims', {
      token: f.tokens.hh1,
      body: { claimCode: f.claimCodes['btn-c'] },
    });
    expect(claimed.status).toBe(201);
    expect(claimed.body.settings).toMatchObject(changes);
    const exported = await h.call('GET', '/v1/household/export', { token: f.tokens.hh1 });
    expect(exported.body.guardSettings).toEqual(changes);

    // Only what was sent changes; a bad time zone changes nothing.
    const partial = await h.call('PATCH', '/v1/household/settings', {
      token: f.tokens.hh1,
      body: { learnRhythm: true },
    });
    expect(partial.body).toEqual({ ...changes, learnRhythm: true });
    const bad = await h.call('PATCH', '/v1/household/settings', {
      token: f.tokens.hh1,
      body: { timeZone: 'Mars/Olympus' },
    });
    expect(bad.status).toBe(400);
    expect((await h.call('GET', '/v1/household/settings', { token: f.tokens.hh1 })).body).toEqual({
      ...changes,
      learnRhythm: true,
    });
  });

  it('GET and PUT /v1/household/profile', async () => {
    const read = await h.call('GET', '/v1/household/profile', { token: f.tokens.hh1 });
    expect(read.status).toBe(200);
    expect(read.body).toMatchObject({ householdId: HH1, ...PROFILE_1 });
    const changed = await h.call('PUT', '/v1/household/profile', {
      token: f.tokens.hh1,
      body: { ...PROFILE_1, address: 'Elsewhere 1' },
    });
    expect(changed.status).toBe(200);
    expect(changed.body).toMatchObject({ address: 'Elsewhere 1', createdAt: read.body.createdAt });
    const invalid = await h.call('PUT', '/v1/household/profile', {
      token: f.tokens.hh1,
      body: { ...PROFILE_1, email: 'not-an-email' },
    });
    expect(invalid.status).toBe(400);
    expect(invalid.body.error.code).toBe('VALIDATION_FAILED');
  });

  it('POST /v1/household/claims claims once; a used code fails cleanly', async () => {
    const claimed = await h.call('POST', '/v1/household/claims', {
      token: f.tokens.hh1,
      body: { claimCode: f.claimCodes['btn-c']?.toLowerCase() },
    });
    expect(claimed.status).toBe(201);
    expect(claimed.body).toMatchObject({ deviceId: 'btn-c', claimed: true });
    const again = await h.call('POST', '/v1/household/claims', {
      token: f.tokens.hh2,
      body: { claimCode: f.claimCodes['btn-c'] },
    });
    expect(again.status).toBe(409);
    expect(again.body.error.code).toBe('CLAIM_CODE_USED');
    const unknown = await h.call('POST', '/v1/household/claims', {
      token: f.tokens.hh2,
      body: { claimCode: 'AAAA-BBBB-CCCC-DDDD' },
    });
    expect(unknown.status).toBe(404);
  });

  it('GET /v1/household/buttons lists only the household’s buttons', async () => {
    const reply = await h.call('GET', '/v1/household/buttons', { token: f.tokens.hh1 });
    expect(reply.status).toBe(200);
    expect(reply.body.items.map((b: { deviceId: unknown }) => b.deviceId)).toEqual(['btn-a']);
  });

  it('GET /v1/household/buttons/{deviceId}', async () => {
    const reply = await h.call('GET', '/v1/household/buttons/btn-a', { token: f.tokens.hh1 });
    expect(reply.status).toBe(200);
    expect(reply.body.settings.skuId).toBe('coffee');
  });

  it('PATCH /v1/household/buttons/{deviceId}/settings checks SKU and quantity rules', async () => {
    const reply = await h.call('PATCH', '/v1/household/buttons/btn-a/settings', {
      token: f.tokens.hh1,
      body: {
        quantity: 2,
        secondAction: { skuId: 'tea', quantity: 1 },
        cancelWindowMinutes: 10,
        maxOpenOrders: 2,
        priceIncreaseLimitPct: 5,
        confirmFirstOrder: true,
      },
    });
    expect(reply.status).toBe(200);
    expect(reply.body.settings).toMatchObject({
      skuId: 'coffee',
      quantity: 2,
      secondAction: { skuId: 'tea', quantity: 1 },
      cancelWindowMinutes: 10,
      maxOpenOrders: 2,
      priceIncreaseLimitPct: 5,
      confirmFirstOrder: true,
    });
    const tooMany = await h.call('PATCH', '/v1/household/buttons/btn-a/settings', {
      token: f.tokens.hh1,
      body: { quantity: 6 },
    });
    expect(tooMany.status).toBe(422);
    expect(tooMany.body.error.code).toBe('QUANTITY_ABOVE_MAX');
    const aboveMax = await h.call('PATCH', '/v1/household/buttons/btn-a/settings', {
      token: f.tokens.hh1,
      body: { secondAction: { skuId: 'coffee', quantity: 9 } },
    });
    expect(aboveMax.status).toBe(422);
    const foreign = await h.call('PATCH', '/v1/household/buttons/btn-a/settings', {
      token: f.tokens.hh1,
      body: { skuId: 'soap' },
    });
    expect(foreign.status).toBe(422);
  });

  it('GET /v1/household/orders', async () => {
    const reply = await h.call('GET', '/v1/household/orders', { token: f.tokens.hh1 });
    expect(reply.status).toBe(200);
    expect(reply.body.items.map((o: { orderId: unknown }) => o.orderId)).toEqual([f.orderId]);
  });

  it('GET /v1/household/orders/{orderId}', async () => {
    const reply = await h.call('GET', `/v1/household/orders/${f.orderId}`, { token: f.tokens.hh1 });
    expect(reply.status).toBe(200);
    expect(reply.body.status).toBe('PLACED');
  });

  it('POST /v1/household/orders/{orderId}/cancel inside the window, refused after it', async () => {
    const cancelled = await h.call('POST', `/v1/household/orders/${f.orderId}/cancel`, {
      token: f.tokens.hh1,
      body: { reason: 'pressed by the cat' },
    });
    expect(cancelled.status).toBe(200);
    expect(cancelled.body.status).toBe('CANCELLED');
    h.clock.advance(1000);
    const next = await h.device('btn-a').press('SINGLE');
    h.clock.advance(31 * 60_000);
    const late = await h.call('POST', `/v1/household/orders/${next.orderId}/cancel`, {
      token: f.tokens.hh1,
      body: {},
    });
    expect(late.status).toBe(409);
    expect(late.body.error.code).toBe('CANCEL_WINDOW_CLOSED');
  });

  it('POST confirm and decline a NEEDS_CONFIRMATION order', async () => {
    await h.call('POST', `/v1/household/orders/${f.orderId}/cancel`, {
      token: f.tokens.hh1,
      body: {},
    });
    await h.call('PATCH', '/v1/brand/skus/coffee', {
      token: f.tokens.acme,
      body: { priceCents: 1499 },
    });
    // Accept a price first: confirmFirstOrder makes the first press of a fresh binding ask.
    await h.call('PATCH', '/v1/household/buttons/btn-a/settings', {
      token: f.tokens.hh1,
      body: { confirmFirstOrder: true },
    });
    h.clock.advance(1000);
    const asked = await h.device('btn-a').press('SINGLE');
    expect(asked.outcome).toBe('NEEDS_CONFIRMATION');
    const confirmed = await h.call('POST', `/v1/household/orders/${asked.orderId}/confirm`, {
      token: f.tokens.hh1,
    });
    expect(confirmed.status).toBe(200);
    expect(confirmed.body.status).toBe('PLACED');
    await h.call('POST', `/v1/household/orders/${asked.orderId}/cancel`, {
      token: f.tokens.hh1,
      body: {},
    });
    await h.call('PATCH', '/v1/brand/skus/coffee', {
      token: f.tokens.acme,
      body: { priceCents: 1599 },
    });
    h.clock.advance(1000);
    const askedAgain = await h.device('btn-a').press('SINGLE');
    expect(askedAgain.outcome).toBe('NEEDS_CONFIRMATION');
    const declined = await h.call('POST', `/v1/household/orders/${askedAgain.orderId}/decline`, {
      token: f.tokens.hh1,
    });
    expect(declined.status).toBe(200);
    expect(declined.body.status).toBe('CANCELLED');
  });

  it('GET /v1/household/notifications', async () => {
    await h.call('POST', `/v1/support/orders/${f.orderId}/cancel`, {
      token: f.tokens.support,
      body: { reason: 'duplicate order reported by phone' },
    });
    const reply = await h.call('GET', '/v1/household/notifications', { token: f.tokens.hh1 });
    expect(reply.status).toBe(200);
    expect(reply.body.items.map((n: { kind: unknown }) => n.kind)).toEqual([
      'OrderCancelled',
      'OrderPlaced',
    ]);
    expect(reply.body.items[0].message).toContain('duplicate order reported by phone');
  });

  it('GET /v1/household/export holds everything about the household', async () => {
    const reply = await h.call('GET', '/v1/household/export', { token: f.tokens.hh1 });
    expect(reply.status).toBe(200);
    expect(reply.body.household).toMatchObject(PROFILE_1);
    expect(reply.body.buttons.map((b: { deviceId: unknown }) => b.deviceId)).toEqual(['btn-a']);
    expect(reply.body.orders.map((o: { orderId: unknown }) => o.orderId)).toEqual([f.orderId]);
  });

  it('subscriptions: add e-mail and SMS (E.164 only), list them, remove one', async () => {
    const call = (method: string, path: string, body?: unknown) =>
      h.call(method, path, { token: f.tokens.hh1, body });
    const email = await call('POST', '/v1/household/subscriptions', {
      protocol: 'email',
      endpoint: 'alerts@example.org',
    });
    expect(email.status).toBe(201);
    expect(email.body).toEqual({
      subscriptionId: expect.any(String),
      protocol: 'email',
      endpoint: 'alerts@example.org',
      createdAt: expect.any(Number),
    });
    const bad = await call('POST', '/v1/household/subscriptions', {
      protocol: 'sms',
      endpoint: '015112345678',
    });
    expect(bad.status).toBe(400);
    await call('POST', '/v1/household/subscriptions', {
      protocol: 'sms',
      endpoint: '+4915112345678',
    });
    const listed = await call('GET', '/v1/household/subscriptions');
    expect(listed.body.items.map((s: { endpoint: string }) => s.endpoint)).toEqual([
      'alerts@example.org',
      '+4915112345678',
    ]);
    const removed = await call(
      'DELETE',
      `/v1/household/subscriptions/${email.body.subscriptionId}`,
    );
    expect(removed.status).toBe(200);
    const after = await call('GET', '/v1/household/subscriptions');
    expect(after.body.items.map((s: { protocol: string }) => s.protocol)).toEqual(['sms']);
    const gone = await call('DELETE', `/v1/household/subscriptions/${email.body.subscriptionId}`);
    expect(gone.status).toBe(404);
  });

  it('DELETE /v1/household erases the account', async () => {
    const reply = await h.call('DELETE', '/v1/household', { token: f.tokens.hh1 });
    expect(reply.status).toBe(200);
    expect(reply.body).toMatchObject({
      ordersCancelled: 1,
      ordersAnonymised: 1,
      buttonsReleased: 1,
    });
    const profile = await h.call('GET', '/v1/household/profile', { token: f.tokens.hh1 });
    expect(profile.status).toBe(404);
  });
});

describe('support', () => {
  it('GET /v1/support/buttons/{deviceId}', async () => {
    const reply = await h.call('GET', '/v1/support/buttons/btn-a', { token: f.tokens.support });
    expect(reply.status).toBe(200);
    expect(reply.body).toMatchObject({ deviceId: 'btn-a', householdId: HH1, highWaterMark: 1 });
  });

  it('GET /v1/support/buttons/{deviceId}/presses includes rejected presses', async () => {
    const device = h.device('btn-a');
    h.clock.advance(1000);
    const forged = { ...device.sign('SINGLE', 2), sig: '0'.repeat(32) };
    await h.world.handle(device.event(forged));
    const reply = await h.call('GET', '/v1/support/buttons/btn-a/presses', {
      token: f.tokens.support,
    });
    expect(reply.status).toBe(200);
    expect(
      reply.body.items.map((p: { outcome: string; reason: string | null }) => [
        p.outcome,
        p.reason,
      ]),
    ).toEqual([
      ['REJECTED', 'BAD_SIGNATURE'],
      ['ORDERED', null],
    ]);
  });

  it('POST /v1/support/buttons/{deviceId}/unbind', async () => {
    const reply = await h.call('POST', '/v1/support/buttons/btn-a/unbind', {
      token: f.tokens.support,
      body: { reason: 'household reports the button as lost' },
    });
    expect(reply.status).toBe(200);
    expect(reply.body.settings.skuId).toBeNull();
    h.clock.advance(1000);
    await h.call('POST', `/v1/household/orders/${f.orderId}/cancel`, {
      token: f.tokens.hh1,
      body: {},
    });
    expect((await h.device('btn-a').press('SINGLE')).outcome).toBe('UNBOUND');
  });

  it('GET /v1/support/households/{householdId}', async () => {
    const reply = await h.call('GET', `/v1/support/households/${HH1}`, { token: f.tokens.support });
    expect(reply.status).toBe(200);
    expect(reply.body.household).toMatchObject(PROFILE_1);
    expect(reply.body.buttons.map((b: { deviceId: unknown }) => b.deviceId)).toEqual(['btn-a']);
  });

  it('GET /v1/support/orders/{orderId}', async () => {
    const reply = await h.call('GET', `/v1/support/orders/${f.orderId}`, {
      token: f.tokens.support,
    });
    expect(reply.status).toBe(200);
    expect(reply.body.orderId).toBe(f.orderId);
  });

  it('POST /v1/support/orders/{orderId}/cancel requires a reason; works after the window', async () => {
    const missing = await h.call('POST', `/v1/support/orders/${f.orderId}/cancel`, {
      token: f.tokens.support,
      body: {},
    });
    expect(missing.status).toBe(400);
    await confirmOrder(h);
    const reply = await h.call('POST', `/v1/support/orders/${f.orderId}/cancel`, {
      token: f.tokens.support,
      body: { reason: 'accidental press confirmed by phone' },
    });
    expect(reply.status).toBe(200);
    expect(reply.body.status).toBe('CANCELLED');
    expect(reply.body.history.at(-1)).toMatchObject({
      actor: { kind: 'support' },
      reason: 'accidental press confirmed by phone',
    });
  });

  it('GET /v1/support/flagged-orders lists guarded orders across households, oldest first', async () => {
    await h.call('PATCH', '/v1/household/buttons/btn-b/settings', {
      token: f.tokens.hh2,
      body: { childLock: 'confirm' },
    });
    h.clock.advance(60_000);
    const held = await h.device('btn-b').press('SINGLE');
    expect(held.outcome).toBe('NEEDS_CONFIRMATION');
    const reply = await h.call('GET', '/v1/support/flagged-orders', { token: f.tokens.support });
    expect(reply.status).toBe(200);
    // hh-1's plain order is not in the queue; hh-2's held one is, with the reason.
    expect(reply.body.items).toMatchObject([
      { orderId: held.orderId, householdId: HH2, guard: { reason: 'CHILD_LOCK' } },
    ]);
  });

  it('POST /v1/support/cancellations cancels several orders with one reason, each audited and answered', async () => {
    const reply = await h.call('POST', '/v1/support/cancellations', {
      token: f.tokens.support,
      body: { orderIds: [f.orderId, 'btn-a-99'], reason: 'child pressed it' },
    });
    expect(reply.status).toBe(200);
    expect(reply.body.results).toMatchObject([
      { orderId: f.orderId, status: 'CANCELLED' },
      { orderId: 'btn-a-99', error: { code: 'NOT_FOUND' } },
    ]);
    const audit = await h.call('GET', '/v1/support/audit', { token: f.tokens.support });
    expect(audit.body.items[0]).toMatchObject({
      action: 'order.cancel',
      subject: `order:${f.orderId}`,
      reason: 'child pressed it',
    });
    const again = await h.call('POST', '/v1/support/cancellations', {
      token: f.tokens.support,
      body: { orderIds: [f.orderId, f.orderId], reason: 'twice' },
    });
    expect(again.status).toBe(400);
  });

  it('offers no way to change or delete audit entries', async () => {
    await h.call('GET', '/v1/support/buttons/btn-a', { token: f.tokens.support });
    const before = await h.call('GET', '/v1/support/audit', { token: f.tokens.support });
    const entry = before.body.items[0].auditId;
    for (const method of ['PUT', 'PATCH', 'DELETE', 'POST']) {
      for (const path of ['/v1/support/audit', `/v1/support/audit/${entry}`]) {
        const reply = await h.call(method, path, {
          token: f.tokens.support,
          body: { reason: 'x' },
        });
        // The list answers 405 (it is read-only); an entry has no route at all.
        expect(reply.status, `${method} ${path}`).toBe(path === '/v1/support/audit' ? 405 : 404);
      }
    }
    const after = await h.call('GET', '/v1/support/audit', { token: f.tokens.support });
    expect(after.body).toEqual(before.body);
  });

  it('GET /v1/support/audit lists every support action, newest first', async () => {
    await h.call('GET', '/v1/support/buttons/btn-a', { token: f.tokens.support });
    await h.call('POST', `/v1/support/orders/${f.orderId}/cancel`, {
      token: f.tokens.support,
      body: { reason: 'customer asked' },
    });
    const reply = await h.call('GET', '/v1/support/audit', { token: f.tokens.support });
    expect(reply.status).toBe(200);
    expect(reply.body.items.map((e: { action: unknown }) => e.action)).toEqual([
      'order.cancel',
      'button.read',
    ]);
    expect(reply.body.items[0]).toMatchObject({
      subject: `order:${f.orderId}`,
      reason: 'customer asked',
    });
  });
});
