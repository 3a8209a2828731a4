/**
 * Every route × (no token, expired, wrong signature, alg none, wrong role, other tenant):
 * the answer is 401/403/404 (or, for a tenant's own collections, only its own data), and the
 * table is unchanged afterwards — every record compared before and after, not assumed.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Role } from '../../../cloud/core/model.ts';
import {
  ACME,
  confirmOrder,
  type Fixture,
  GLOBEX,
  HH1,
  HH2,
  PROFILE_1,
  seed,
} from './helpers/fixture.ts';
import { ApiHarness } from './helpers/harness.ts';

/**
 * How a request with another tenant's valid token must fail: 404 for a resource of ours;
 * 'own-data' for a collection (the caller sees only its own items); a status for creates that
 * collide with ours; 'rows-not-found' for a batch answered row by row (every row refused as
 * NOT_FOUND, as for an id that does not exist); null where "another tenant" does not apply
 * (support has none, and a tenant acting on its own account is not crossing over).
 */
type OtherTenant = 404 | 409 | 'own-data' | 'rows-not-found' | null;

interface RouteCase {
  method: string;
  path: string;
  role: Role;
  body?: unknown;
  otherTenant: OtherTenant;
}

let h: ApiHarness;
let f: Fixture;
const ALERTS_1 = 'alerts.hh1.testperson@example.org';
let routes: RouteCase[];
const DEAD = 'we_acme.btn-a-1.1';
const ROLLOUT_PLAN = { fw: 42, stages: [50, 100], failurePct: 20, minFinished: 2 };

const tenantOf: Record<Role, string | undefined> = {
  brand: ACME,
  household: HH1,
  support: undefined,
};
const otherOf: Record<Role, string | undefined> = {
  brand: GLOBEX,
  household: HH2,
  support: undefined,
};
const wrongRoleFor: Record<Role, Role> = {
  brand: 'household',
  household: 'brand',
  support: 'household',
};

beforeAll(async () => {
  h = await ApiHarness.open();
  f = await seed(h);
  await confirmOrder(h); // a CONFIRMED order: ship, support-cancel and fulfilment have work to do
  await h.publishButtonEvents(); // claims reach fleet health and insight: acme has data to leak
  const o = f.orderId;
  const subscribed = await h.call('POST', '/v1/household/subscriptions', {
    token: f.tokens.hh1,
    body: { protocol: 'email', endpoint: ALERTS_1 },
  });
  const sub = subscribed.body.subscriptionId as string;
  // Webhooks of ours: an endpoint, a secret and a dead-lettered delivery of our order.
  const hooks = h.world.store.api.webhooks;
  await hooks.putEndpoint({
    brandId: ACME,
    endpointId: 'we_acme',
    url: 'https://hooks.example.org/coffee',
    eventTypes: ['order.placed'],
    createdAt: 1,
  });
  await h.call('POST', '/v1/brand/webhooks/secret', { token: f.tokens.acme });
  const letter = {
    deliveryId: DEAD,
    brandId: ACME,
    endpointId: 'we_acme',
    url: 'https://hooks.example.org/coffee',
    eventId: `${o}/1`,
    eventType: 'order.placed' as const,
    body: '{}',
    status: 'PENDING' as const,
    attempts: 0,
    createdAt: 1,
    nextAttemptAt: 1,
    lastAttemptAt: null,
    lastError: null,
    deliveredAt: null,
    deadAt: null,
  };
  await hooks.addDelivery(letter);
  await hooks.updateDelivery(
    { ...letter, status: 'DEAD', attempts: 1, deadAt: 2 },
    { status: 'PENDING', attempts: 0 },
  );
  await h.call('PUT', '/v1/brand/welcome-credits/coffee', {
    token: f.tokens.acme,
    body: { amount: 499, currency: 'EUR' },
  });
  const virtual = await h.call('POST', '/v1/brand/test-buttons', {
    token: f.tokens.acme,
    body: { skuId: 'coffee' },
  });
  const testButton = virtual.body.deviceId as string;
  await h.call('POST', `/v1/brand/test-buttons/${testButton}/press`, {
    token: f.tokens.acme,
    body: {},
  });
  routes = [
    { method: 'GET', path: '/v1/brand/skus', role: 'brand', otherTenant: 'own-data' },
    {
      method: 'POST',
      path: '/v1/brand/skus',
      role: 'brand',
      body: { skuId: 'new', name: 'New', priceCents: 1, currency: 'EUR', maxQuantity: 1 },
      otherTenant: null,
    },
    { method: 'GET', path: '/v1/brand/skus/coffee', role: 'brand', otherTenant: 404 },
    {
      method: 'PATCH',
      path: '/v1/brand/skus/coffee',
      role: 'brand',
      body: { priceCents: 1 },
      otherTenant: 404,
    },
    { method: 'POST', path: '/v1/brand/skus/coffee/retire', role: 'brand', otherTenant: 404 },
    { method: 'GET', path: '/v1/brand/buttons', role: 'brand', otherTenant: 'own-data' },
    {
      method: 'POST',
      path: '/v1/brand/buttons',
      role: 'brand',
      body: { buttons: [{ deviceId: 'btn-a', serial: 'SN-A' }] },
      otherTenant: 404,
    },
    {
      method: 'POST',
      path: '/v1/brand/button-rows',
      role: 'brand',
      body: { rows: [{ deviceId: 'btn-a', serial: 'SN-A' }] },
      otherTenant: 'rows-not-found',
    },
    { method: 'GET', path: '/v1/brand/buttons/btn-a', role: 'brand', otherTenant: 404 },
    {
      method: 'PUT',
      path: '/v1/brand/buttons/btn-a/sku',
      role: 'brand',
      body: { skuId: 'tea' },
      otherTenant: 404,
    },
    { method: 'GET', path: '/v1/brand/fulfilment', role: 'brand', otherTenant: 'own-data' },
    {
      method: 'GET',
      path: '/v1/brand/orders?status=PLACED',
      role: 'brand',
      otherTenant: 'own-data',
    },
    { method: 'GET', path: `/v1/brand/orders/${o}`, role: 'brand', otherTenant: 404 },
    { method: 'POST', path: `/v1/brand/orders/${o}/ship`, role: 'brand', otherTenant: 404 },
    { method: 'POST', path: `/v1/brand/orders/${o}/deliver`, role: 'brand', otherTenant: 404 },
    { method: 'GET', path: '/v1/brand/totals', role: 'brand', otherTenant: 'own-data' },
    { method: 'GET', path: '/v1/brand/insight', role: 'brand', otherTenant: 'own-data' },
    { method: 'GET', path: '/v1/brand/health', role: 'brand', otherTenant: 'own-data' },
    { method: 'GET', path: '/v1/brand/webhooks', role: 'brand', otherTenant: 'own-data' },
    {
      method: 'POST',
      path: '/v1/brand/webhooks/endpoints',
      role: 'brand',
      body: { url: 'https://hooks.example.org/in', eventTypes: ['order.placed'] },
      otherTenant: null,
    },
    {
      method: 'DELETE',
      path: '/v1/brand/webhooks/endpoints/we_acme',
      role: 'brand',
      otherTenant: 404,
    },
    { method: 'POST', path: '/v1/brand/webhooks/secret', role: 'brand', otherTenant: null },
    {
      method: 'GET',
      path: '/v1/brand/webhooks/dead-letters',
      role: 'brand',
      otherTenant: 'own-data',
    },
    {
      method: 'GET',
      path: '/v1/brand/webhooks/deliveries',
      role: 'brand',
      otherTenant: 'own-data',
    },
    {
      method: 'POST',
      path: `/v1/brand/webhooks/dead-letters/${DEAD}/replay`,
      role: 'brand',
      otherTenant: 404,
    },
    { method: 'GET', path: '/v1/brand/welcome-credits', role: 'brand', otherTenant: 'own-data' },
    {
      method: 'PUT',
      path: '/v1/brand/buttons/btn-a/test',
      role: 'brand',
      body: { test: true },
      otherTenant: 404,
    },
    {
      method: 'POST',
      path: '/v1/brand/test-buttons',
      role: 'brand',
      body: { skuId: 'coffee' },
      otherTenant: null,
    },
    {
      method: 'POST',
      path: `/v1/brand/test-buttons/${testButton}/press`,
      role: 'brand',
      body: {},
      otherTenant: 404,
    },
    { method: 'GET', path: '/v1/brand/test-orders', role: 'brand', otherTenant: 'own-data' },
    {
      method: 'POST',
      path: '/v1/brand/test-orders/reset',
      role: 'brand',
      otherTenant: 'own-data',
    },
    {
      method: 'PUT',
      path: '/v1/brand/welcome-credits/coffee',
      role: 'brand',
      body: { amount: 100, currency: 'EUR' },
      otherTenant: 404,
    },
    {
      method: 'DELETE',
      path: '/v1/brand/welcome-credits/coffee',
      role: 'brand',
      otherTenant: 404,
    },
    { method: 'GET', path: '/v1/household/profile', role: 'household', otherTenant: 'own-data' },
    { method: 'GET', path: '/v1/household/settings', role: 'household', otherTenant: 'own-data' },
    {
      method: 'PATCH',
      path: '/v1/household/settings',
      role: 'household',
      body: { learnRhythm: false },
      otherTenant: null,
    },
    {
      method: 'PUT',
      path: '/v1/household/profile',
      role: 'household',
      body: PROFILE_1,
      otherTenant: null,
    },
    {
      method: 'POST',
      path: '/v1/household/claims',
      role: 'household',
      body: { claimCode: '' },
      otherTenant: 409,
    },
    { method: 'GET', path: '/v1/household/buttons', role: 'household', otherTenant: 'own-data' },
    { method: 'GET', path: '/v1/household/buttons/btn-a', role: 'household', otherTenant: 404 },
    {
      method: 'PATCH',
      path: '/v1/household/buttons/btn-a/settings',
      role: 'household',
      body: { quantity: 2 },
      otherTenant: 404,
    },
    {
      method: 'GET',
      path: '/v1/household/buttons/btn-a/terms',
      role: 'household',
      otherTenant: 404,
    },
    {
      method: 'POST',
      path: '/v1/household/buttons/btn-a/terms',
      role: 'household',
      body: { priceCents: 1299 },
      otherTenant: 404,
    },
    { method: 'GET', path: '/v1/household/orders', role: 'household', otherTenant: 'own-data' },
    { method: 'GET', path: `/v1/household/orders/${o}`, role: 'household', otherTenant: 404 },
    {
      method: 'POST',
      path: `/v1/household/orders/${o}/cancel`,
      role: 'household',
      body: {},
      otherTenant: 404,
    },
    {
      method: 'POST',
      path: `/v1/household/orders/${o}/confirm`,
      role: 'household',
      otherTenant: 404,
    },
    {
      method: 'POST',
      path: `/v1/household/orders/${o}/decline`,
      role: 'household',
      otherTenant: 404,
    },
    {
      method: 'GET',
      path: '/v1/household/notifications',
      role: 'household',
      otherTenant: 'own-data',
    },
    {
      method: 'GET',
      path: '/v1/household/subscriptions',
      role: 'household',
      otherTenant: 'own-data',
    },
    {
      method: 'POST',
      path: '/v1/household/subscriptions',
      role: 'household',
      body: { protocol: 'sms', endpoint: '+4915112345678' },
      otherTenant: null,
    },
    {
      method: 'DELETE',
      path: `/v1/household/subscriptions/${sub}`,
      role: 'household',
      otherTenant: 404,
    },
    { method: 'GET', path: '/v1/household/export', role: 'household', otherTenant: 'own-data' },
    { method: 'DELETE', path: '/v1/household', role: 'household', otherTenant: null },
    { method: 'GET', path: '/v1/support/buttons/btn-a', role: 'support', otherTenant: null },
    {
      method: 'GET',
      path: '/v1/support/buttons/btn-a/presses',
      role: 'support',
      otherTenant: null,
    },
    {
      method: 'POST',
      path: '/v1/support/buttons/btn-a/unbind',
      role: 'support',
      body: { reason: 'test' },
      otherTenant: null,
    },
    { method: 'GET', path: `/v1/support/households/${HH1}`, role: 'support', otherTenant: null },
    { method: 'GET', path: `/v1/support/orders/${o}`, role: 'support', otherTenant: null },
    {
      method: 'POST',
      path: `/v1/support/orders/${o}/cancel`,
      role: 'support',
      body: { reason: 'test' },
      otherTenant: null,
    },
    { method: 'GET', path: '/v1/support/audit', role: 'support', otherTenant: null },
    { method: 'GET', path: '/v1/support/flagged-orders', role: 'support', otherTenant: null },
    {
      method: 'POST',
      path: '/v1/support/cancellations',
      role: 'support',
      body: { orderIds: [o], reason: 'test' },
      otherTenant: null,
    },
  ];
  // Firmware, a rollout and device settings of acme's, for the rollout routes.
  await h.ota.firmware.put(ACME, 42, new Uint8Array(64));
  const rollout = await h.call('POST', '/v1/brand/rollouts', {
    token: f.tokens.acme,
    body: ROLLOUT_PLAN,
  });
  const r = rollout.body.rolloutId as string;
  for (const [prefix, role] of [
    ['/v1/brand', 'brand'],
    [`/v1/support/brands/${ACME}`, 'support'],
  ] as const) {
    const own = role === 'brand' ? ('own-data' as const) : null;
    const ours = role === 'brand' ? (404 as const) : null;
    routes.push(
      // Uploading is a brand's own namespace: another brand's token uploads its own image.
      { method: 'PUT', path: `${prefix}/firmware/43`, role, otherTenant: null },
      { method: 'GET', path: `${prefix}/firmware/42`, role, otherTenant: ours },
      { method: 'POST', path: `${prefix}/rollouts`, role, body: ROLLOUT_PLAN, otherTenant: ours },
      { method: 'GET', path: `${prefix}/rollouts`, role, otherTenant: own },
      { method: 'GET', path: `${prefix}/rollouts/${r}`, role, otherTenant: ours },
      { method: 'GET', path: `${prefix}/rollouts/${r}/buttons`, role, otherTenant: ours },
      ...(['widen', 'pause', 'resume', 'abort'] as const).map((action) => ({
        method: 'POST',
        path: `${prefix}/rollouts/${r}/${action}`,
        role,
        otherTenant: ours,
      })),
      { method: 'GET', path: `${prefix}/buttons/btn-a/device-settings`, role, otherTenant: ours },
      {
        method: 'PUT',
        path: `${prefix}/buttons/btn-a/device-settings`,
        role,
        body: { led: 5 },
        otherTenant: ours,
      },
      // Fleet-wide settings reach only the caller's own buttons.
      {
        method: 'PUT',
        path: `${prefix}/device-settings`,
        role,
        body: { led: 5 },
        otherTenant: null,
      },
    );
  }
  // The claim body needs the fixture's code, known only now.
  const claim = routes.find((r) => r.path === '/v1/household/claims');
  if (claim) claim.body = { claimCode: f.claimCodes['btn-a'] };
});
afterAll(async () => {
  await h.close();
});

/** Strings that must never appear in another tenant's answer. */
const OURS = ['coffee', 'btn-a', 'SN-A', PROFILE_1.name, PROFILE_1.email, HH1, ALERTS_1, 'ro_'];

describe('tenant isolation', () => {
  it('covers every route the app serves', () => {
    const served = h.app.routes
      .filter((r) => r.path.startsWith('/v1/') && r.method !== 'ALL')
      .map((r) => `${r.method} ${r.path}`);
    const tested = routes.map((r) => `${r.method} ${templateOf(r.path)}`);
    expect(new Set(tested)).toEqual(new Set(served));
  });

  it('refuses every attack on every route and changes nothing', async () => {
    const failures: string[] = [];
    for (const route of routes) {
      const tenant = tenantOf[route.role];
      const attacks: [string, string | undefined, number | Exclude<OtherTenant, null>][] = [
        ['no token', undefined, 401],
        ['expired token', await h.expiredToken(route.role, tenant), 401],
        ['wrong signature', await h.foreignToken(route.role, tenant), 401],
        ['alg none', h.unsignedToken(route.role, tenant), 401],
        [
          'wrong role',
          await h.token(wrongRoleFor[route.role], otherOf[wrongRoleFor[route.role]]),
          403,
        ],
      ];
      if (route.otherTenant !== null) {
        attacks.push([
          'other tenant',
          await h.token(route.role, otherOf[route.role]),
          route.otherTenant,
        ]);
      }
      for (const [attack, token, expected] of attacks) {
        const before = await h.snapshot();
        const reply = await h.call(route.method, route.path, { token, body: route.body });
        const after = await h.snapshot();
        const label = `${route.method} ${route.path} × ${attack}`;
        if (expected === 'rows-not-found') {
          const rows = (reply.body?.rows ?? []) as { outcome: string; code: string }[];
          const refused = rows.every((r) => r.outcome === 'REFUSED' && r.code === 'NOT_FOUND');
          if (reply.status !== 200 || rows.length === 0 || !refused) {
            failures.push(`${label}: ${reply.status} ${JSON.stringify(reply.body)}`);
          }
        } else if (expected === 'own-data') {
          const leaked = OURS.filter((s) => JSON.stringify(reply.body).includes(s));
          if (reply.status !== 200 || leaked.length > 0) {
            failures.push(`${label}: ${reply.status}, leaked ${leaked.join(', ')}`);
          }
        } else if (reply.status !== expected) {
          failures.push(
            `${label}: expected ${expected}, got ${reply.status} ${JSON.stringify(reply.body)}`,
          );
        } else if (typeof reply.body?.error?.code !== 'string') {
          failures.push(`${label}: no error body`);
        }
        if (JSON.stringify(after) !== JSON.stringify(before))
          failures.push(`${label}: the store changed`);
      }
    }
    expect(failures).toEqual([]);
  });
});

function templateOf(path: string): string {
  return path
    .replace(/\?.*$/, '')
    .replace(/\/skus\/[^/]+/, '/skus/:skuId')
    .replace(/\/welcome-credits\/[^/]+/, '/welcome-credits/:skuId')
    .replace(/\/test-buttons\/[^/]+\//, '/test-buttons/:deviceId/')
    .replace(/\/buttons\/[^/]+/, '/buttons/:deviceId')
    .replace(/\/orders\/[^/]+/, '/orders/:orderId')
    .replace(/\/households\/[^/]+/, '/households/:householdId')
    .replace(/\/subscriptions\/[^/]+/, '/subscriptions/:subscriptionId')
    .replace(/\/endpoints\/[^/]+/, '/endpoints/:endpointId')
    .replace(/\/dead-letters\/[^/]+\//, '/dead-letters/:deliveryId/')
    .replace(/\/firmware\/[^/]+/, '/firmware/:fw')
    .replace(/\/rollouts\/[^/]+/, '/rollouts/:rolloutId')
    .replace(/\/brands\/[^/]+/, '/brands/:brandId');
}
