/**
 * The welcome-credit routes as a brand uses them, and the discount as brand and household see
 * it on the order once it is delivered; one brand never sees or sets another's offers.
 */
import { afterEach, beforeEach, expect, it } from 'vitest';
import { confirmOrder, type Fixture, seed } from './helpers/fixture.ts';
import { ApiHarness } from './helpers/harness.ts';

let h: ApiHarness;
let f: Fixture;
beforeEach(async () => {
  h = await ApiHarness.open();
  f = await seed(h);
});
afterEach(() => h.close());

const OFFER = { amount: 499, currency: 'EUR', campaign: 'launch' };

it('offers, lists, changes and withdraws a credit per SKU', async () => {
  const put = await h.call('PUT', '/v1/brand/welcome-credits/coffee', {
    token: f.tokens.acme,
    body: OFFER,
  });
  expect(put.status).toBe(200);
  expect(put.body).toMatchObject({ skuId: 'coffee', ...OFFER });
  await h.call('PUT', '/v1/brand/welcome-credits/tea', {
    token: f.tokens.acme,
    body: { amount: 100, currency: 'EUR' },
  });
  const listed = await h.call('GET', '/v1/brand/welcome-credits', { token: f.tokens.acme });
  expect(
    listed.body.items.map((c: { skuId: string; campaign: string | null }) => [c.skuId, c.campaign]),
  ).toEqual([
    ['coffee', 'launch'],
    ['tea', null],
  ]);
  const gone = await h.call('DELETE', '/v1/brand/welcome-credits/tea', { token: f.tokens.acme });
  expect(gone.status).toBe(200);
  const again = await h.call('DELETE', '/v1/brand/welcome-credits/tea', { token: f.tokens.acme });
  expect(again.status).toBe(404);
});

it('refuses a credit in another currency, of zero, or on a SKU the brand does not own', async () => {
  const usd = await h.call('PUT', '/v1/brand/welcome-credits/coffee', {
    token: f.tokens.acme,
    body: { amount: 499, currency: 'USD' },
  });
  expect([usd.status, usd.body.error.code]).toEqual([422, 'CURRENCY_MISMATCH']);
  const zero = await h.call('PUT', '/v1/brand/welcome-credits/coffee', {
    token: f.tokens.acme,
    body: { amount: 0, currency: 'EUR' },
  });
  expect(zero.status).toBe(400);
  const foreign = await h.call('PUT', '/v1/brand/welcome-credits/coffee', {
    token: f.tokens.globex,
    body: OFFER,
  });
  expect(foreign.status).toBe(404);
  const household = await h.call('GET', '/v1/brand/welcome-credits', { token: f.tokens.hh1 });
  expect(household.status).toBe(403);
  await h.call('PUT', '/v1/brand/welcome-credits/coffee', { token: f.tokens.acme, body: OFFER });
  const globex = await h.call('GET', '/v1/brand/welcome-credits', { token: f.tokens.globex });
  expect(globex.body.items).toEqual([]);
});

it('the delivered order carries the discount for brand and household; the next one does not', async () => {
  await h.call('PUT', '/v1/brand/welcome-credits/coffee', { token: f.tokens.acme, body: OFFER });
  await confirmOrder(h);
  await h.call('POST', `/v1/brand/orders/${f.orderId}/ship`, { token: f.tokens.acme });
  const delivered = await h.call('POST', `/v1/brand/orders/${f.orderId}/deliver`, {
    token: f.tokens.acme,
  });
  const discount = { kind: 'WELCOME_CREDIT', amount: 499, currency: 'EUR', campaign: 'launch' };
  expect(delivered.status).toBe(200);
  expect(delivered.body.discount).toEqual(discount);
  // A retried report answers with the same order, discount and all.
  const retried = await h.call('POST', `/v1/brand/orders/${f.orderId}/deliver`, {
    token: f.tokens.acme,
  });
  expect([retried.status, retried.body.discount]).toEqual([200, discount]);
  const brandView = await h.call('GET', '/v1/brand/orders?status=DELIVERED', {
    token: f.tokens.acme,
  });
  expect(brandView.body.items[0].discount).toEqual(discount);
  const householdView = await h.call('GET', `/v1/household/orders/${f.orderId}`, {
    token: f.tokens.hh1,
  });
  expect(householdView.body.discount).toEqual(discount);

  h.clock.advance(40 * 86_400_000);
  const acme = await h.token('brand', 'acme');
  const next = await h.device('btn-a').press('SINGLE');
  expect(next.outcome).toBe('ORDERED');
  await confirmOrder(h);
  await h.call('POST', `/v1/brand/orders/${next.orderId}/ship`, { token: acme });
  const second = await h.call('POST', `/v1/brand/orders/${next.orderId}/deliver`, {
    token: acme,
  });
  expect(second.status).toBe(200);
  expect(second.body.discount ?? null).toBeNull();
});
