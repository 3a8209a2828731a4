/**
 * The web console in a real browser (Debian's Chromium through playwright-core) against the
 * real local stack on free ports with a temporary data folder: presses through the broker, the
 * page reading and changing orders through the HTTP API, screenshots of every view at desktop
 * and phone width in test/web/screenshots/.
 */
import { createHash } from 'node:crypto';
import { readFile, stat } from 'node:fs/promises';
import type { Browser, Page } from 'playwright-core';

/** What a form control's `validity` says (the DOM lib is not loaded for Node tests). */
interface ValidityState {
  valueMissing: boolean;
}

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LocalIssuer, type TokenRequest } from '../../cloud/core/auth/local-issuer.ts';
import { systemClock } from '../../cloud/core/ports.ts';
import { localPipeline } from '../../cloud/local/pipeline.ts';
import { type RunningStack, startStack } from '../../cloud/local/stack.ts';
import { buildWeb } from '../../cloud/web/build.ts';
import { connectButton, quietLog, stackConfig, tempDir } from '../e2e/support.ts';
import { CHROMIUM, chromiumAvailable, launchChromium, screenshots } from './browser.ts';

if (!chromiumAvailable) {
  console.log(
    `web console browser tests skipped: no Chromium at ${CHROMIUM} (apt-get install -y chromium, or set RESTOCK_CHROMIUM)`,
  );
}

describe.skipIf(!chromiumAvailable)('web console in Chromium', () => {
  let data: Awaited<ReturnType<typeof tempDir>>;
  let stack: RunningStack;
  let browser: Browser;
  let page: Page;
  let base: string;
  const log = quietLog();

  const token = async (request: TokenRequest) =>
    (await LocalIssuer.open(data.dir, systemClock)).sign(request);
  const apiCall = async (method: string, path: string, request: TokenRequest, body?: unknown) => {
    const response = await fetch(`${base}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${await token(request)}`,
        ...(body ? { 'content-type': 'application/json' } : {}),
      },
      body: body ? JSON.stringify(body) : undefined,
    });
    return { status: response.status, body: (await response.json()) as Record<string, unknown> };
  };
  const press = async (deviceId: string, click: 'SINGLE' | 'LONG' = 'SINGLE') => {
    const button = await connectButton({
      dataDir: data.dir,
      deviceId,
      port: stack.runtime.mqttPort,
    });
    try {
      return await button.press(click);
    } finally {
      await button.close();
    }
  };

  async function signIn(role: 'household' | 'support' | 'brand', tenant?: string) {
    await page.goto(base);
    await page.evaluate('sessionStorage.clear()');
    await page.goto(base);
    await page.getByLabel('Role').selectOption(role);
    if (tenant) {
      await page.getByLabel(role === 'brand' ? 'Brand id' : 'Household id').fill(tenant);
    } else {
      // Keyboard only: from the role list, Tab reaches the sign-in button (the id field is hidden).
      await page.getByLabel('Role').focus();
      await page.keyboard.press('Tab');
      await expect(page.evaluate('document.activeElement?.textContent')).resolves.toBe('Sign in');
    }
    // Enter submits the sign-in form.
    await page.keyboard.press('Enter');
    await page.locator(`[data-view="${role}"]`).waitFor();
    await expect(page.locator('#who').textContent()).resolves.toContain(`Signed in as ${role}`);
  }

  beforeAll(async () => {
    buildWeb();
    data = await tempDir();
    stack = await startStack(stackConfig(data.dir), { log, pipeline: localPipeline });
    base = `http://127.0.0.1:${stack.runtime.httpPort}`;
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    page.setDefaultTimeout(10_000);
    page.on('pageerror', (error) => log.error('page error', { error: String(error) }));
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await stack?.close();
    await data?.remove();
  });

  it('serves the console at / next to the API, and a development-only sign-in', async () => {
    const index = await fetch(base);
    expect(index.headers.get('content-type')).toContain('text/html');
    expect(await index.text()).toContain('<script type="module" src="app.js">');
    expect((await fetch(`${base}/app.js`)).status).toBe(200);
    expect(await (await fetch(`${base}/health`)).json()).toEqual({ status: 'ok' });
    const doc = (await (await fetch(`${base}/openapi.json`)).json()) as { paths: object };
    expect(Object.keys(doc.paths)).not.toContain('/dev/token');
    expect((await fetch(`${base}/v1/household/orders`)).status).toBe(401);
    // Only files of the built console: no way out of its folder.
    for (const path of ['/..%2F..%2F..%2Fpackage.json', '/%2e%2e%2fbuild.ts', '/%E0%A4%A.json']) {
      const response = await fetch(`${base}${path}`);
      expect(response.status, path).toBe(404);
      expect(await response.json(), path).toMatchObject({ error: { code: 'NOT_FOUND' } });
    }
    const refused = await fetch(`${base}/dev/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ role: 'brand' }),
    });
    expect(refused.status).toBe(400);
    const issued = await fetch(`${base}/dev/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ role: 'brand', tenant: 'acme' }),
    });
    expect(issued.headers.get('x-restock-development')).toMatch(/does not exist in AWS/);

    await page.goto(base);
    await page.getByRole('heading', { name: 'Sign in' }).waitFor();
    await screenshots(page, 'sign-in');
  });

  it('household: sees a freshly pressed order and cancels it; confirms a price change; edits settings', async () => {
    expect(await press('demo-1')).toMatchObject({ outcome: 'ORDERED', orderId: 'demo-1-1' });
    await signIn('household', 'hh-demo');
    const row = page.locator('tr[data-order="demo-1-1"]');
    await expect(row.getAttribute('data-status')).resolves.toBe('PLACED');
    await expect(row.locator('.countdown').textContent()).resolves.toMatch(/min .* left/);
    await expect(page.locator('tr[data-device="demo-1"]').textContent()).resolves.toContain(
      'coffee-1kg',
    );
    await screenshots(page, 'household');

    await row.getByRole('button', { name: 'Cancel order demo-1-1' }).click();
    await page.locator('tr[data-order="demo-1-1"][data-status="CANCELLED"]').waitFor();
    await expect(page.locator('#orders .status').textContent()).resolves.toBe(
      'Order demo-1-1 cancelled.',
    );

    // A price rise: the next press needs confirmation; old and new price side by side.
    const raised = await apiCall(
      'PATCH',
      '/v1/brand/skus/coffee-1kg',
      { role: 'brand', tenant: 'acme' },
      { priceCents: 1499 },
    );
    expect(raised.status).toBe(200);
    const second = await press('demo-1');
    expect(second.outcome).toBe('NEEDS_CONFIRMATION');
    await page.getByRole('button', { name: 'Refresh' }).click();
    const pending = page.locator(
      `tr[data-order="${second.orderId}"][data-status="NEEDS_CONFIRMATION"]`,
    );
    await pending.waitFor();
    const prices = pending.locator('.price-change');
    await expect(prices.locator('.old').textContent()).resolves.toContain('12.99');
    await expect(prices.locator('.new').textContent()).resolves.toContain('14.99');
    await screenshots(page, 'household-price-change');
    await pending.getByRole('button', { name: `Decline order ${second.orderId}` }).click();
    await page.locator(`tr[data-order="${second.orderId}"][data-status="CANCELLED"]`).waitFor();
    await apiCall(
      'PATCH',
      '/v1/brand/skus/coffee-1kg',
      { role: 'brand', tenant: 'acme' },
      { priceCents: 1299 },
    );

    // Settings per button: a zero cancel window (used by the brand test below).
    await page.getByText('Settings for demo-1').click();
    const settings = page.locator('tr[data-device="demo-1"] form.settings');
    await settings.getByLabel('Cancel window (minutes)').fill('0');
    await settings.getByRole('button', { name: 'Save settings' }).click();
    await page.getByText('Settings saved for demo-1.').waitFor();
    const button = await apiCall('GET', '/v1/household/buttons/demo-1', {
      role: 'household',
      tenant: 'hh-demo',
    });
    expect((button.body.settings as { cancelWindowMinutes: number }).cancelWindowMinutes).toBe(0);

    // Export: the household's data as a JSON download.
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: 'Export my data (JSON)' }).click(),
    ]);
    expect(download.suggestedFilename()).toBe('restock-export-hh-demo.json');
    const exported = JSON.parse(await readFile(await download.path(), 'utf8'));
    expect(exported.household.householdId).toBe('hh-demo');
    expect(exported.orders.map((o: { orderId: string }) => o.orderId)).toContain('demo-1-1');

    // Erasure asks for a confirmation first (carried out in the last test: others use hh-demo).
    await page.getByRole('button', { name: 'Erase my account…' }).click();
    await page.getByLabel('Type your household id (hh-demo) to confirm').waitFor();
    await page.getByRole('button', { name: 'Erase my account for good' }).click();
    await page.getByText('Type hh-demo exactly to confirm.').waitFor();
    await page.getByRole('button', { name: 'Keep my account' }).click();
  });

  it('support: finds the button, reads its press log, cancels with a reason, sees the audit trail', async () => {
    expect(await press('demo-2')).toMatchObject({ outcome: 'ORDERED', orderId: 'demo-2-1' });
    expect(await press('demo-2')).toMatchObject({ outcome: 'IN_PROGRESS' });
    await signIn('support');
    await page.getByLabel('Look up a').selectOption('button');
    await page.getByLabel('Id', { exact: true }).fill('demo-2');
    await page.getByRole('button', { name: 'Search' }).click();
    const timeline = page.getByRole('list', { name: 'Press log of demo-2' });
    await timeline.waitFor();
    const entries = await timeline.locator('li').allTextContents();
    expect(entries).toHaveLength(2);
    expect(entries[0]).toContain('IN PROGRESS');
    expect(entries[1]).toContain('ORDERED');
    expect(entries[1]).toContain('seq 1');
    await screenshots(page, 'support-button');

    await page.locator('#result').getByRole('button', { name: 'demo-2-1' }).first().click();
    await page.getByRole('heading', { name: /Order demo-2-1/ }).waitFor();
    // The two presses were one burst: support's queue shows the order too.
    await page
      .locator('#flagged tbody tr[data-order="demo-2-1"]')
      .getByText('repeated press')
      .waitFor();
    const reason = page.locator('#result').getByLabel(/Reason for cancelling/);
    // The reason is required: an empty form is not sent.
    await page.getByRole('button', { name: 'Cancel order' }).click();
    expect(
      await reason.evaluate(
        (el) => (el as unknown as { validity: ValidityState }).validity.valueMissing,
      ),
    ).toBe(true);
    await reason.fill('Household called: accidental press');
    await page.getByRole('button', { name: 'Cancel order' }).click();
    await page.getByText('Order demo-2-1 cancelled.').waitFor();
    await expect(page.locator('#result h3 .badge').textContent()).resolves.toBe('CANCELLED');
    const audit = page.locator('#audit tr[data-action="order.cancel"]');
    await audit.waitFor();
    await expect(audit.textContent()).resolves.toContain('Household called: accidental press');
    await expect(audit.textContent()).resolves.toContain('order:demo-2-1');
    await screenshots(page, 'support-order');

    await page.getByLabel('Look up a').selectOption('household');
    await page.getByLabel('Id', { exact: true }).fill('hh-demo');
    await page.getByRole('button', { name: 'Search' }).click();
    await page.getByRole('heading', { name: 'Household hh-demo' }).waitFor();
    await screenshots(page, 'support-household');
  });

  it('brand: marks an order shipped, then delivered', async () => {
    const pressed = await press('demo-1');
    expect(pressed.outcome).toBe('ORDERED');
    const orderId = pressed.orderId as string;
    await stack.sweepOnce(); // the cancel window is 0 minutes: the sweep confirms it
    await signIn('brand', 'acme');
    const row = (status: string) =>
      page.locator(`tr[data-order="${orderId}"][data-status="${status}"]`);
    await row('CONFIRMED').waitFor();
    await expect(row('CONFIRMED').textContent()).resolves.toContain('The Demo Household');
    await expect(page.locator('svg.chart').getAttribute('aria-label')).resolves.toMatch(
      /Orders per day/,
    );
    await screenshots(page, 'brand');
    await page.getByRole('link', { name: 'SKUs' }).click();
    await page
      .locator('#skus tr[data-sku="coffee-1kg"]', { hasText: 'Coffee beans 1 kg' })
      .waitFor();
    await page.getByRole('link', { name: 'Buttons' }).click();
    await expect(page.locator('#fleet tr', { hasText: 'demo-3' }).textContent()).resolves.toMatch(
      /descaler.*no/,
    );
    await page.getByRole('link', { name: 'Orders' }).click();

    await page.getByRole('button', { name: `Mark shipped: ${orderId}` }).click();
    await row('SHIPPED').waitFor();
    await page.getByRole('button', { name: `Mark delivered: ${orderId}` }).click();
    await row('DELIVERED').waitFor();
    const order = await apiCall('GET', `/v1/brand/orders/${orderId}`, {
      role: 'brand',
      tenant: 'acme',
    });
    expect(order.body.status).toBe('DELIVERED');
    await screenshots(page, 'brand-delivered');
  });

  it("brand: another brand's data is refused by the API and the page says so", async () => {
    const other = { role: 'brand' as const, tenant: 'globex' };
    expect((await apiCall('GET', '/v1/brand/orders/demo-1-1', other)).status).toBe(404);
    expect((await apiCall('GET', '/v1/brand/buttons/demo-1', other)).status).toBe(404);
    expect((await apiCall('GET', '/v1/brand/buttons', other)).body.items).toEqual([]);
    expect((await apiCall('GET', '/v1/support/audit', other)).status).toBe(403);

    await signIn('brand', 'globex');
    await page.getByRole('link', { name: 'Buttons' }).click();
    await page.getByText('Brand globex has no buttons.').waitFor();
    await page.getByRole('link', { name: 'Orders' }).click();
    await page.getByLabel('Order id').fill('demo-1-1');
    await page.getByRole('button', { name: 'Look up' }).click();
    const alert = page.locator('#lookup [role="alert"]');
    await alert.waitFor();
    await expect(alert.textContent()).resolves.toMatch(
      /^Not found for brand globex — it does not exist or belongs to someone else/,
    );
    await screenshots(page, 'brand-other-tenant');
  });

  it('signs in through the Cognito hosted UI (code + PKCE) when config.json says so', async () => {
    // Cognito is stood in for by routes in the browser (no network); the "ID token" is a local
    // issuer token with the same claims, so the API accepts it.
    const domain = 'restock-test.auth.eu-west-1.amazoncognito.com';
    const idToken = await token({ role: 'household', tenant: 'hh-demo' });
    let challenge = '';
    let exchanged: URLSearchParams | null = null;
    await page.goto(base);
    await page.evaluate('sessionStorage.clear()');
    await page.route(`${base}/config.json`, (route) =>
      route.fulfill({ json: { signIn: 'cognito', domain, clientId: 'client-1' } }),
    );
    await page.route(`https://${domain}/oauth2/authorize?*`, (route) => {
      const url = new URL(route.request().url());
      expect(Object.fromEntries(url.searchParams)).toMatchObject({
        response_type: 'code',
        client_id: 'client-1',
        redirect_uri: `${base}/`,
        // `openid` alone: any other scope narrows the ID token and drops custom:tenant.
        scope: 'openid',
        code_challenge_method: 'S256',
      });
      challenge = url.searchParams.get('code_challenge') ?? '';
      const state = url.searchParams.get('state') ?? '';
      return route.fulfill({
        status: 302,
        headers: { location: `${base}/?code=c0de&state=${state}` },
      });
    });
    await page.route(`https://${domain}/oauth2/token`, (route) => {
      exchanged = new URLSearchParams(route.request().postData() ?? '');
      return route.fulfill({ json: { id_token: idToken, token_type: 'Bearer' } });
    });
    try {
      await page.goto(base);
      await page.getByRole('button', { name: 'Sign in with your Restock account' }).click();
      await page.locator('[data-view="household"]').waitFor();
      await expect(page.locator('#who').textContent()).resolves.toBe(
        'Signed in as household hh-demoSign out',
      );
      const sent = exchanged as URLSearchParams | null;
      expect(sent?.get('grant_type')).toBe('authorization_code');
      expect(sent?.get('code')).toBe('c0de');
      const verifier = sent?.get('code_verifier') ?? '';
      expect(createHash('sha256').update(verifier).digest('base64url')).toBe(challenge);
      expect(page.url()).toBe(`${base}/`);
      await page.locator('tr[data-order="demo-1-1"]').waitFor();
    } finally {
      await page.unrouteAll();
    }
  });

  it('household: erases the account after the confirmation step', async () => {
    await signIn('household', 'hh-demo');
    await page.getByRole('button', { name: 'Erase my account…' }).click();
    await page.getByLabel('Type your household id (hh-demo) to confirm').fill('hh-demo');
    await screenshots(page, 'household-erase');
    await page.getByRole('button', { name: 'Erase my account for good' }).click();
    await page.getByText(/^Account erased: \d+ orders anonymised, 2 buttons released\.$/).waitFor();
    await page.getByText('Your account was erased.').waitFor();
    const profile = await apiCall('GET', '/v1/household/profile', {
      role: 'household',
      tenant: 'hh-demo',
    });
    expect(profile.status).toBe(404);
  });

  it('wrote every screenshot at both widths', async () => {
    for (const name of [
      'sign-in',
      'household',
      'support-button',
      'support-order',
      'brand',
      'brand-other-tenant',
    ]) {
      for (const size of ['desktop', 'phone']) {
        const file = new URL(`./screenshots/${name}-${size}.png`, import.meta.url);
        expect((await stat(file)).size, `${name}-${size}`).toBeGreaterThan(1000);
      }
    }
    expect(log.lines.filter((l) => l.startsWith('error page error'))).toEqual([]);
  });
});
