/**
 * A small world through the API itself: two brands with SKUs and buttons, two households with
 * profiles and claimed, bound buttons, and a pressed order for household hh-1.
 */
import { expect } from 'vitest';
import type { ApiHarness, Reply } from './harness.ts';

export const ACME = 'acme';
export const GLOBEX = 'globex';
export const HH1 = 'hh-1';
export const HH2 = 'hh-2';

export const PROFILE_1 = {
  name: 'Ada Lovelace-Testperson',
  email: 'ada.testperson@example.org',
  address: '12 Analytical Engine Lane, 10115 Berlin',
};
export const PROFILE_2 = {
  name: 'Grace Hopper-Testperson',
  email: 'grace.testperson@example.org',
  address: '7 Compiler Court, 80331 Munich',
};

export interface Fixture {
  tokens: {
    acme: string;
    globex: string;
    hh1: string;
    hh2: string;
    support: string;
  };
  claimCodes: Record<string, string>;
  /** An order of hh-1's button btn-a, PLACED by a press. */
  orderId: string;
}

export async function seed(h: ApiHarness): Promise<Fixture> {
  const tokens = {
    acme: await h.token('brand', ACME),
    globex: await h.token('brand', GLOBEX),
    hh1: await h.token('household', HH1),
    hh2: await h.token('household', HH2),
    support: await h.token('support'),
  };
  const ok = async (
    method: string,
    path: string,
    token: string,
    body?: unknown,
  ): Promise<Reply['body']> => {
    const reply = await h.call(method, path, { token, body });
    expect(reply.status, `${method} ${path}: ${JSON.stringify(reply.body)}`).toBeLessThan(300);
    return reply.body;
  };
  const sku = (skuId: string, name: string, priceCents: number) => ({
    skuId,
    name,
    priceCents,
    currency: 'EUR',
    maxQuantity: 5,
  });
  await ok('POST', '/v1/brand/skus', tokens.acme, sku('coffee', 'Coffee beans 1 kg', 1299));
  await ok('POST', '/v1/brand/skus', tokens.acme, sku('tea', 'Black tea 500 g', 699));
  await ok('POST', '/v1/brand/skus', tokens.globex, sku('soap', 'Soap 6-pack', 450));
  const acmeBatch = await ok('POST', '/v1/brand/buttons', tokens.acme, {
    buttons: [
      { deviceId: 'btn-a', serial: 'SN-A' },
      { deviceId: 'btn-b', serial: 'SN-B' },
      { deviceId: 'btn-c', serial: 'SN-C' },
    ],
  });
  const globexBatch = await ok('POST', '/v1/brand/buttons', tokens.globex, {
    buttons: [{ deviceId: 'btn-x', serial: 'SN-X' }],
  });
  const claimCodes: Record<string, string> = {};
  for (const b of [...acmeBatch.buttons, ...globexBatch.buttons])
    claimCodes[b.deviceId] = b.claimCode;
  await ok('PUT', '/v1/household/profile', tokens.hh1, PROFILE_1);
  await ok('PUT', '/v1/household/profile', tokens.hh2, PROFILE_2);
  await ok('POST', '/v1/household/claims', tokens.hh1, { claimCode: claimCodes['btn-a'] });
  await ok('POST', '/v1/household/claims', tokens.hh2, { claimCode: claimCodes['btn-b'] });
  await ok('PUT', '/v1/brand/buttons/btn-a/sku', tokens.acme, { skuId: 'coffee' });
  await ok('PUT', '/v1/brand/buttons/btn-b/sku', tokens.acme, { skuId: 'tea' });
  await ok('POST', '/v1/household/buttons/btn-a/terms', tokens.hh1, { priceCents: 1299 });
  await ok('POST', '/v1/household/buttons/btn-b/terms', tokens.hh2, { priceCents: 699 });
  const pressed = await h.device('btn-a').press('SINGLE');
  expect(pressed.outcome).toBe('ORDERED');
  return { tokens, claimCodes, orderId: pressed.orderId as string };
}

/** Moves hh-1's order past its cancel window and lets the sweep confirm it. */
export async function confirmOrder(h: ApiHarness): Promise<void> {
  h.clock.advance(31 * 60_000);
  const swept = await h.world.orders.sweep();
  expect(swept.confirmed).toBeGreaterThan(0);
}
