/**
 * Fleet health as a brand sees it, driven by signed presses through the real pipeline: the
 * battery readings of the presses become a trend with presses and days left, a low battery and
 * a silent button each raise one event per episode (and a webhook for the endpoint that asked),
 * the sweep finds silence without looking at every button, and claims and releases start and
 * stop the watch.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import type { WebhookDelivery } from '../../../cloud/core/webhooks/webhooks.ts';
import { ApiHarness } from '../api/helpers/harness.ts';

const DAY = 86_400_000;
let h: ApiHarness;
let claimCodes: Record<string, string>;

type Caller = 'acme' | 'hh-1' | 'hh-2';
/** A fresh token each call: the clock runs for weeks and tokens last an hour. */
const tokenOf = (who: Caller) => h.token(who === 'acme' ? 'brand' : 'household', who);

async function ok(method: string, path: string, who: Caller, body?: unknown) {
  const reply = await h.call(method, path, { token: await tokenOf(who), body });
  expect(reply.status, `${method} ${path}: ${JSON.stringify(reply.body)}`).toBeLessThan(300);
  return reply.body;
}

beforeEach(async () => {
  h = await ApiHarness.open();
  await ok('POST', '/v1/brand/skus', 'acme', {
    skuId: 'coffee',
    name: 'Coffee beans 1 kg',
    priceCents: 1299,
    currency: 'EUR',
    maxQuantity: 5,
  });
  const batch = await ok('POST', '/v1/brand/buttons', 'acme', {
    buttons: [
      { deviceId: 'btn-a', serial: 'SN-A' },
      { deviceId: 'btn-b', serial: 'SN-B' },
    ],
  });
  claimCodes = Object.fromEntries(
    batch.buttons.map((b: { deviceId: string; claimCode: string }) => [b.deviceId, b.claimCode]),
  );
  await ok('POST', '/v1/brand/webhooks/secret', 'acme');
  await ok('POST', '/v1/brand/webhooks/endpoints', 'acme', {
    url: 'https://hooks.example.org/in',
    eventTypes: ['button.claimed', 'button.low_battery', 'button.silent', 'button.released'],
  });
  await ok('POST', '/v1/household/claims', 'hh-1', { claimCode: claimCodes['btn-a'] });
  await ok('PUT', '/v1/brand/buttons/btn-a/sku', 'acme', { skuId: 'coffee' });
  await ok('POST', '/v1/household/buttons/btn-a/terms', 'hh-1', { priceCents: 1299 });
  await h.publishButtonEvents();
});

/** One weekly reorder: press (reporting `mv`), confirm, ship, deliver, a week passes. */
async function reorder(mv: number): Promise<void> {
  const pressed = await h.device('btn-a').press('SINGLE', mv);
  expect(pressed.outcome).toBe('ORDERED');
  h.clock.advance(31 * 60_000);
  await h.world.orders.sweep();
  await ok('POST', `/v1/brand/orders/${pressed.orderId}/ship`, 'acme');
  await ok('POST', `/v1/brand/orders/${pressed.orderId}/deliver`, 'acme');
  await h.publishButtonEvents();
  h.clock.advance(7 * DAY - 31 * 60_000);
}

async function health(deviceId: string) {
  const reply = await h.call('GET', '/v1/brand/health', { token: await tokenOf('acme') });
  expect(reply.status).toBe(200);
  return {
    button: reply.body.buttons.find((b: { deviceId: string }) => b.deviceId === deviceId),
    replaceSoon: reply.body.replaceSoon as string[],
    method: reply.body.method as string,
  };
}

async function webhookTypes(): Promise<string[]> {
  const due = await h.world.store.api.webhooks.dueDeliveries(h.clock.now(), 100);
  return due.map((d: WebhookDelivery) => d.eventType).sort();
}

describe('GET /v1/brand/health', () => {
  it('fits the battery trend of the presses and says how many presses and days are left', async () => {
    // Contract-v2 firmware reports its version in every press.
    h.device('btn-a').firmware = { fw: 7, cfg: 1 };
    for (const mv of [3700, 3690, 3680, 3670, 3660]) await reorder(mv);
    const { button, replaceSoon, method } = await health('btn-a');
    expect(button).toEqual({
      deviceId: 'btn-a',
      skuId: 'coffee',
      batteryMv: 3660,
      batteryTrendMvPerPress: -10,
      pressesLeft: 66,
      daysLeft: 66 * 7,
      lastPressAt: expect.any(Number),
      firmware: 7,
      keyVersion: 1,
      claimed: true,
      status: 'ok',
    });
    expect(replaceSoon).toEqual([]);
    expect(method).toMatch(/least-squares/);
  });

  it('raises one low-battery event per episode and lists the button to replace', async () => {
    for (const mv of [3420, 3380, 3340, 3300, 3260, 3220]) await reorder(mv);
    const { button, replaceSoon } = await health('btn-a');
    expect(button).toMatchObject({ status: 'low_battery', batteryMv: 3220, pressesLeft: 5 });
    expect(replaceSoon).toEqual(['btn-a']);
    await h.publishButtonEvents();
    // One claim, one low battery: the presses below the threshold after the first raised none.
    expect(await webhookTypes()).toEqual(['button.claimed', 'button.low_battery']);
    const bodies = (await h.world.store.api.webhooks.dueDeliveries(h.clock.now(), 100)).map(
      (d: WebhookDelivery) => JSON.parse(d.body),
    );
    expect(bodies.find((b) => b.type === 'button.low_battery')?.data).toEqual({
      button: {
        deviceId: 'btn-a',
        skuId: 'coffee',
        batteryMv: 3300,
        pressesLeft: 7,
        daysLeft: 49,
      },
    });
    // Brands never learn who pressed: no household id in any body.
    expect(JSON.stringify(bodies)).not.toContain('hh-1');
    // A new battery ends the episode.
    for (const mv of [4100, 4090, 4080]) await reorder(mv);
    expect((await health('btn-a')).button.status).toBe('ok');
  });

  it('finds a button silent for twice its household’s rhythm once, and a press ends it', async () => {
    for (const mv of [3700, 3690, 3680]) await reorder(mv);
    // Weekly presses: silent after 14 days without one. 13 days on, not yet.
    h.clock.advance(6 * DAY);
    expect(await h.health.sweep()).toMatchObject({ silent: 0 });
    expect((await health('btn-a')).button.status).toBe('ok');
    h.clock.advance(2 * DAY);
    expect(await h.health.sweep()).toMatchObject({ silent: 1 });
    h.clock.advance(DAY);
    expect(await h.health.sweep()).toMatchObject({ silent: 0 });
    const { button } = await health('btn-a');
    expect(button).toMatchObject({ status: 'silent', silentSinceDays: 16 });
    await h.publishButtonEvents();
    expect(await webhookTypes()).toEqual(['button.claimed', 'button.silent']);
    await reorder(3670);
    expect((await health('btn-a')).button.status).toBe('ok');
  });

  it('watches a claimed button that was never pressed against the brand default, and stops at release', async () => {
    await ok('POST', '/v1/household/claims', 'hh-2', { claimCode: claimCodes['btn-b'] });
    await h.publishButtonEvents();
    expect((await health('btn-b')).button).toMatchObject({
      claimed: true,
      keyVersion: 1,
      batteryMv: null,
      status: 'ok',
    });
    h.clock.advance(44 * DAY);
    await h.health.sweep();
    expect((await health('btn-b')).button.status).toBe('ok');
    h.clock.advance(2 * DAY);
    await h.health.sweep();
    expect((await health('btn-b')).button).toMatchObject({ status: 'silent', silentSinceDays: 46 });
    await ok('DELETE', '/v1/household', 'hh-2');
    await h.publishButtonEvents();
    expect((await health('btn-b')).button).toMatchObject({ claimed: false, status: 'ok' });
    h.clock.advance(60 * DAY);
    await h.health.sweep();
    expect((await health('btn-b')).button).toMatchObject({ claimed: false, status: 'ok' });
  });
});
