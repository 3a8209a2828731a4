/**
 * Erasure: afterwards no item in the table holds the household's name, e-mail, address or
 * claim codes (scanned here), and its orders still count in the brand's totals.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { claimCodeHash, normaliseClaimCode } from '../../../cloud/core/fleet/claim-code.ts';
import { type DynaliteServer, startDynalite } from '../../../cloud/store/dynamo/dynalite-server.ts';
import { openDynamo } from '../../helpers/stores.ts';
import { confirmOrder, HH1, PROFILE_1, PROFILE_2, seed } from './helpers/fixture.ts';
import { ApiHarness } from './helpers/harness.ts';

let server: DynaliteServer;
beforeAll(async () => {
  server = await startDynalite();
});
afterAll(() => server.close());

it('deletes personal data and claim codes, keeps orders anonymised in brand totals', async () => {
  const h = await ApiHarness.open(await openDynamo(server.endpoint));
  const f = await seed(h);
  // History worth keeping: one delivered order, one still inside its cancel window.
  await confirmOrder(h);
  await h.call('POST', `/v1/brand/orders/${f.orderId}/ship`, { token: f.tokens.acme });
  await h.call('POST', `/v1/brand/orders/${f.orderId}/deliver`, { token: f.tokens.acme });
  h.clock.advance(1000);
  const open = await h.device('btn-a').press('SINGLE');
  expect(open.outcome).toBe('ORDERED');
  const totalsBefore = (await h.call('GET', '/v1/brand/totals', { token: f.tokens.acme })).body;
  expect(totalsBefore.orders).toBe(2);

  const alerts = { email: 'alerts.hh1.testperson@example.org', sms: '+4915112345678' };
  for (const [protocol, endpoint] of Object.entries(alerts)) {
    const made = await h.call('POST', '/v1/household/subscriptions', {
      token: f.tokens.hh1,
      body: { protocol, endpoint },
    });
    expect(made.status).toBe(201);
  }

  const code = f.claimCodes['btn-a'] as string;
  const personal = [PROFILE_1.name, PROFILE_1.email, PROFILE_1.address, alerts.email, alerts.sms];
  const secrets = [code, normaliseClaimCode(code), claimCodeHash(code)];
  const holding = (items: unknown[], needles: string[]) =>
    items.filter((item) => needles.some((n) => JSON.stringify(item).includes(n)));
  expect(holding(await h.snapshot(), [...personal, ...secrets]).length).toBeGreaterThan(0);

  const erased = await h.call('DELETE', '/v1/household', { token: f.tokens.hh1 });
  expect(erased.status).toBe(200);
  expect(erased.body).toMatchObject({
    ordersAnonymised: 2,
    ordersCancelled: 1,
    buttonsReleased: 1,
    subscriptionsDeleted: 2,
  });

  const items = await h.snapshot();
  expect(holding(items, personal)).toEqual([]);
  expect(holding(items, secrets)).toEqual([]);
  // The other household is untouched.
  expect(holding(items, [PROFILE_2.email]).length).toBe(1);

  const totalsAfter = (await h.call('GET', '/v1/brand/totals', { token: f.tokens.acme })).body;
  expect(totalsAfter.orders).toBe(2);
  expect(totalsAfter.byStatus).toMatchObject({ DELIVERED: 1, CANCELLED: 1 });
  expect(totalsAfter.revenueCents).toEqual(totalsBefore.revenueCents);
  const delivered = await h.call('GET', `/v1/support/orders/${f.orderId}`, {
    token: f.tokens.support,
  });
  expect(delivered.body.householdId).toBe(erased.body.anonymousId);

  // The account is gone from the household's side, and the used code cannot be claimed again.
  expect((await h.call('GET', '/v1/household/orders', { token: f.tokens.hh1 })).body.items).toEqual(
    [],
  );
  const reclaim = await h.call('POST', '/v1/household/claims', {
    token: f.tokens.hh2,
    body: { claimCode: code },
  });
  expect(reclaim.status).toBe(404);
  // Erasing twice is harmless (a retry after a failure finishes the job).
  const again = await h.call('DELETE', '/v1/household', { token: await h.token('household', HH1) });
  expect(again.status).toBe(200);
  await h.close();
});
