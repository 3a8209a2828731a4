/**
 * The brand console's own routes: buttons registered row by row (each row its own result, a
 * bad row never stops the good ones, a resend registers nothing twice) and the brand's recent
 * webhook deliveries in every state, newest first.
 */
import { afterEach, beforeEach, expect, it } from 'vitest';
import { type Fixture, seed } from './helpers/fixture.ts';
import { ApiHarness } from './helpers/harness.ts';

let h: ApiHarness;
let f: Fixture;
beforeEach(async () => {
  h = await ApiHarness.open();
  f = await seed(h);
});
afterEach(() => h.close());

it('registers the good rows of a batch and says why each other row was refused', async () => {
  const rows = [
    { deviceId: 'row-1', serial: 'R1' },
    { deviceId: 'bad id', serial: 'R2' },
    { deviceId: 'row-3', serial: ' ' },
    { deviceId: 'row-1', serial: 'R1' },
    { deviceId: 'btn-a', serial: 'SN-OTHER' },
    { deviceId: 'row-6', serial: 'R6' },
  ];
  const reply = await h.call('POST', '/v1/brand/button-rows', {
    token: f.tokens.globex,
    body: { rows },
  });
  expect(reply.status).toBe(200);
  expect(reply.headers.get('cache-control')).toBe('no-store');
  const summary = reply.body.rows.map((r: { row: number; outcome: string; code: string }) => [
    r.row,
    r.outcome,
    r.code,
  ]);
  expect(summary).toEqual([
    [1, 'REGISTERED', null],
    [2, 'REFUSED', 'BAD_DEVICE_ID'],
    [3, 'REFUSED', 'BAD_SERIAL'],
    [4, 'REFUSED', 'DUPLICATE_ROW'],
    // Another brand's device: the same answer as for an id that does not exist.
    [5, 'REFUSED', 'NOT_FOUND'],
    [6, 'REGISTERED', null],
  ]);
  expect(reply.body).toMatchObject({ registered: 2, refused: 4 });
  expect(reply.body.rows[0].claimCode).toMatch(/^[0-9A-Z-]{6,}$/);

  // Sent again: the same claim codes, still two buttons.
  const again = await h.call('POST', '/v1/brand/button-rows', {
    token: f.tokens.globex,
    body: { rows },
  });
  expect(again.body.rows[0].claimCode).toBe(reply.body.rows[0].claimCode);
  const fleet = await h.call('GET', '/v1/brand/buttons', { token: f.tokens.globex });
  expect(fleet.body.items.map((b: { deviceId: string }) => b.deviceId).sort()).toEqual([
    'btn-x',
    'row-1',
    'row-6',
  ]);
  const theirs = await h.call('GET', '/v1/brand/buttons/btn-a', { token: f.tokens.acme });
  expect(theirs.body.serial).toBe('SN-A');
});

it('lists the brand’s deliveries in every state, newest queued first, paged', async () => {
  await h.call('POST', '/v1/brand/webhooks/secret', { token: f.tokens.acme });
  await h.call('POST', '/v1/brand/webhooks/endpoints', {
    token: f.tokens.acme,
    body: {
      url: 'https://hooks.example.org/restock',
      eventTypes: ['order.placed', 'order.cancelled'],
    },
  });
  // The fixture's order btn-a-1 is cancelled, then btn-b and btn-a order.
  const cancel = await h.call('POST', `/v1/household/orders/${f.orderId}/cancel`, {
    token: f.tokens.hh1,
  });
  expect(cancel.status).toBe(200);
  h.clock.advance(1_000);
  expect((await h.device('btn-b').press()).outcome).toBe('ORDERED');
  h.clock.advance(1_000);
  expect((await h.device('btn-a').press()).outcome).toBe('ORDERED');
  await h.world.drain();
  const first = await h.call('GET', '/v1/brand/webhooks/deliveries?limit=2', {
    token: f.tokens.acme,
  });
  expect(first.status).toBe(200);
  expect(first.body.items.map((d: { eventId: string }) => d.eventId)).toEqual([
    'btn-a-2/1',
    'btn-b-1/1',
  ]);
  expect(first.body.items[0]).toMatchObject({ status: 'PENDING', eventType: 'order.placed' });
  expect(first.body.items[0].body).toBeUndefined();
  const rest = await h.call(
    'GET',
    `/v1/brand/webhooks/deliveries?limit=2&cursor=${encodeURIComponent(first.body.cursor)}`,
    { token: f.tokens.acme },
  );
  expect(rest.body.items.map((d: { eventId: string }) => d.eventId)).toEqual(['btn-a-1/2']);
  expect(rest.body.items[0].eventType).toBe('order.cancelled');
  expect(rest.body.cursor).toBeUndefined();
  const other = await h.call('GET', '/v1/brand/webhooks/deliveries', { token: f.tokens.globex });
  expect(other.body.items).toEqual([]);
});
