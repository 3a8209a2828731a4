/**
 * The brand console in Chromium against the real local stack: every screen reached from the
 * navigation (by keyboard too), each one changing what the API then reports, checked with
 * axe-core and photographed at desktop and phone width (test/web/screenshots/brand-*.png).
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LocalIssuer } from '../../cloud/core/auth/local-issuer.ts';
import { systemClock } from '../../cloud/core/ports.ts';
import { DEMO } from '../../cloud/local/demo.ts';
import { localPipeline } from '../../cloud/local/pipeline.ts';
import { type RunningStack, startStack } from '../../cloud/local/stack.ts';
import { DynamoWebhookStore } from '../../cloud/store/dynamo/dynamo-webhook-store.ts';
import { buildWeb } from '../../cloud/web/build.ts';
import { connectButton, pressTimes, quietLog, stackConfig, tempDir } from '../e2e/support.ts';
import { AxeLedger } from './axe.ts';
import { chromiumAvailable, launchChromium, pageForAxe, screenshots } from './browser.ts';

describe.skipIf(!chromiumAvailable)('brand console in Chromium', () => {
  let data: Awaited<ReturnType<typeof tempDir>>;
  let stack: RunningStack;
  let browser: Browser;
  let page: Page;
  let base: string;
  const log = quietLog();
  const ledger = new AxeLedger();
  const brand = { role: 'brand', tenant: DEMO.brandId } as const;

  const apiGet = async (path: string) => {
    const token = await (await LocalIssuer.open(data.dir, systemClock)).sign(brand);
    const response = await fetch(`${base}${path}`, {
      headers: { authorization: `Bearer ${token}` },
    });
    return { status: response.status, body: (await response.json()) as Record<string, unknown> };
  };

  const axe = (name: string) => ledger.check(page, name);

  /** Opens a screen from the navigation with the keyboard: focus its link, press Enter. */
  async function open(screen: string, title: string): Promise<void> {
    const link = page.getByRole('navigation', { name: 'Brand console' }).getByRole('link', {
      name: title,
      exact: true,
    });
    await link.focus();
    await page.keyboard.press('Enter');
    await page.locator(`.screen[data-screen="${screen}"]`).waitFor();
    await expect(link.getAttribute('aria-current')).resolves.toBe('page');
  }

  beforeAll(async () => {
    buildWeb();
    data = await tempDir();
    stack = await startStack(stackConfig(data.dir), { log, pipeline: localPipeline });
    base = `http://127.0.0.1:${stack.runtime.httpPort}`;
    browser = await launchChromium();
    page = await pageForAxe(browser, log);
    await page.goto(base);
    await page.evaluate('sessionStorage.clear(); localStorage.clear()');
    await page.goto(base);
    await page.getByLabel('Role').selectOption('brand');
    await page.getByLabel('Brand id').fill(DEMO.brandId);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.locator('[data-view="brand"]').waitFor();
  }, 60_000);

  afterAll(async () => {
    ledger.report();
    await browser?.close();
    await stack?.close();
    await data?.remove();
  });

  it('SKUs: creates one, edits its price and stock, retires it', async () => {
    await open('skus', 'SKUs');
    const create = page.locator('#new-sku');
    await create.getByRole('textbox', { name: /^SKU/ }).fill('tea-250g');
    await create.getByLabel('Name').fill('Green tea 250 g');
    await create.getByLabel('Price').fill('6,50');
    await create.getByLabel('Most per order').fill('3');
    await create.getByLabel('Usually lasts (days)').fill('30');
    await create.getByRole('button', { name: 'Create SKU' }).click();
    await page.getByText('SKU tea-250g created.').waitFor();
    const row = page.locator('#skus tr[data-sku="tea-250g"]');
    await expect(row.textContent()).resolves.toMatch(/Green tea 250 g.*€6\.50.*3.*in stock/i);

    await row.getByRole('button', { name: 'Edit: tea-250g' }).click();
    const edit = page.locator('#edit-sku');
    await edit.getByLabel('Price').fill('7.25');
    await edit.getByLabel('In stock').uncheck();
    await axe('skus edit');
    await screenshots(page, 'brand-skus-edit');
    await edit.getByRole('button', { name: 'Save changes' }).click();
    await page.getByText('SKU tea-250g saved.').waitFor();
    await expect(row.textContent()).resolves.toMatch(/€7\.25.*out of stock/i);
    const sku = await apiGet('/v1/brand/skus/tea-250g');
    expect(sku.body).toMatchObject({ priceCents: 725, inStock: false, usualIntervalDays: 30 });
    expect((sku.body.priceHistory as unknown[]).length).toBe(2);
    await row.getByRole('button', { name: 'Mark in stock: tea-250g' }).click();
    await page.getByText('tea-250g is now in stock.').waitFor();
    expect((await apiGet('/v1/brand/skus/tea-250g')).body.inStock).toBe(true);

    // Retiring asks for a tick first.
    await row.getByRole('button', { name: 'Edit: tea-250g' }).click();
    await edit.getByRole('button', { name: 'Retire tea-250g' }).click();
    await edit.getByText('Tick the box first to confirm the retirement.').waitFor();
    await edit.getByLabel('I understand that tea-250g cannot be ordered again').check();
    await edit.getByRole('button', { name: 'Retire tea-250g' }).click();
    await page.getByText('SKU tea-250g retired.').waitFor();
    await expect(row.textContent()).resolves.toContain('retired');
    expect((await apiGet('/v1/brand/skus/tea-250g')).body.retired).toBe(true);
    await screenshots(page, 'brand-skus');
  });

  it('buttons: registers a CSV batch with a result per line, then binds a button', async () => {
    await open('buttons', 'Buttons');
    const csv = [
      'device_id,serial',
      'btn-0101,ACME-0101',
      'btn-0102;ACME-0102',
      'bad id!,ACME-0103',
      'btn-0101,ACME-0101',
      'btn-0104,',
      `${DEMO.buttons.coffee},ACME-0001`,
    ].join('\n');
    await page.locator('#register input[type="file"]').setInputFiles({
      name: 'buttons.csv',
      mimeType: 'text/csv',
      buffer: Buffer.from(csv),
    });
    await page.getByRole('button', { name: 'Register buttons' }).click();
    await page.getByText('3 registered, 3 refused — see the reason on each line.').waitFor();
    const line = (n: number) => page.locator(`#register tr[data-line="${n}"]`);
    await expect(line(2).getAttribute('data-outcome')).resolves.toBe('REGISTERED');
    await expect(line(2).locator('td').last().textContent()).resolves.toMatch(/^[0-9A-Z-]{6,}$/);
    await expect(line(3).getAttribute('data-outcome')).resolves.toBe('REGISTERED');
    await expect(line(4).textContent()).resolves.toContain('device id: letters, digits');
    await expect(line(5).textContent()).resolves.toContain('btn-0101 is on an earlier row');
    await expect(line(6).textContent()).resolves.toContain('serial: 1 to 64 characters');
    // The demo's own button, registered before with the same serial: counts as registered.
    await expect(line(7).getAttribute('data-outcome')).resolves.toBe('REGISTERED');
    expect((await apiGet('/v1/brand/buttons/btn-0102')).body.serial).toBe('ACME-0102');
    expect((await apiGet('/v1/brand/buttons/btn-0104')).status).toBe(404);
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: 'Download claim codes (CSV)' }).click(),
    ]);
    expect(download.suggestedFilename()).toBe('claim-codes.csv');
    await axe('buttons registered');
    await screenshots(page, 'brand-buttons-register');

    const fleetRow = page.locator('#fleet tr[data-device="btn-0101"]');
    await fleetRow.getByLabel('SKU for btn-0101').selectOption('filters-100');
    await fleetRow.getByRole('button', { name: 'Bind btn-0101' }).click();
    await page.getByText('btn-0101 is now bound to filters-100.').waitFor();
    const bound = await apiGet('/v1/brand/buttons/btn-0101');
    expect((bound.body.settings as { skuId: string }).skuId).toBe('filters-100');
    await screenshots(page, 'brand-buttons');
  });

  it('fleet and SKU lists page with the API cursor', async () => {
    await open('buttons', 'Buttons');
    const fleet = page.locator('#fleet');
    await fleet.locator('tr[data-device]').first().waitFor();
    // 3 demo buttons + 2 registered above = 5: one page of 10, no pager.
    await expect(fleet.locator('tr[data-device]').count()).resolves.toBe(5);
    const rows = Array.from({ length: 6 }, (_, i) => `btn-02${i + 10},ACME-02${i + 10}`);
    await page.locator('#register textarea').fill(rows.join('\n'));
    await page.getByRole('button', { name: 'Register buttons' }).click();
    await page.getByText('6 button(s) registered.').waitFor();
    await fleet.getByRole('button', { name: 'Next page' }).waitFor();
    await expect(fleet.locator('.page-number').textContent()).resolves.toBe('Page 1');
    const first = await fleet
      .locator('tr[data-device]')
      .evaluateAll((trs) => trs.map((tr) => tr.getAttribute('data-device')));
    await fleet.getByRole('button', { name: 'Next page' }).click();
    await fleet.locator('.page-number', { hasText: 'Page 2' }).waitFor();
    const second = await fleet
      .locator('tr[data-device]')
      .evaluateAll((trs) => trs.map((tr) => tr.getAttribute('data-device')));
    expect(first).toHaveLength(10);
    expect(second).toHaveLength(1);
    expect(new Set([...first, ...second]).size).toBe(11);
    await fleet.getByRole('button', { name: 'Previous page' }).click();
    await fleet.locator('.page-number', { hasText: 'Page 1' }).waitFor();
  });

  it('webhooks: secret with its rotation window, an endpoint, recent deliveries, a dead letter replayed', async () => {
    // A dead letter from long ago (the 24 hours of retries are not waited for here).
    const store = new DynamoWebhookStore(stack.table);
    await store.addDelivery({
      deliveryId: 'we_old.demo-1-99.1',
      brandId: DEMO.brandId,
      endpointId: 'we_old',
      url: 'https://127.0.0.1:9/gone',
      eventId: 'demo-1-99/1',
      eventType: 'order.placed',
      body: '{}',
      status: 'DEAD',
      attempts: 17,
      createdAt: Date.now() - 25 * 3_600_000,
      nextAttemptAt: Date.now() - 3_600_000,
      lastAttemptAt: Date.now() - 3_600_000,
      lastError: 'ECONNREFUSED',
      deliveredAt: null,
      deadAt: Date.now() - 3_600_000,
    });
    await open('webhooks', 'Webhooks');
    await page.getByText('No secret yet').waitFor();
    await page.getByRole('button', { name: 'Create secret' }).click();
    const first = await page.locator('code.secret').getAttribute('data-secret-id');
    await page.getByRole('button', { name: 'Rotate secret' }).click();
    await page.locator(`code.secret:not([data-secret-id="${first}"])`).waitFor();
    const window = page.locator('#secret .window');
    await expect(window.textContent()).resolves.toMatch(
      new RegExp(`^Rotation window: both whsec_\\w+ and ${first} sign every delivery until`),
    );
    const hooks = await apiGet('/v1/brand/webhooks');
    expect((hooks.body.secret as { previousSecretId: string }).previousSecretId).toBe(first);

    // Nothing listens on port 9: deliveries fail and wait for their retry.
    const endpoints = page.locator('#endpoints');
    await endpoints.getByLabel('Endpoint URL').fill('https://127.0.0.1:9/restock');
    await endpoints.getByLabel('order.shipped').uncheck();
    await endpoints.getByRole('button', { name: 'Add endpoint' }).click();
    await page.getByText('Endpoint https://127.0.0.1:9/restock added.').waitFor();
    await expect(endpoints.locator('tr[data-endpoint]').textContent()).resolves.not.toContain(
      'order.shipped',
    );
    const [pressed] = await pressTimes(stack, data.dir, DEMO.buttons.filters);
    expect(pressed?.outcome).toBe('ORDERED');
    const deliveries = page.locator('#deliveries');
    await expect
      .poll(
        async () => {
          await deliveries.getByRole('button', { name: 'Refresh' }).click();
          return deliveries.locator('tr[data-status="PENDING"]').count();
        },
        { timeout: 15_000 },
      )
      .toBeGreaterThan(0);
    await deliveries
      .locator('tr[data-status="PENDING"] td[data-label="Attempts"]')
      .first()
      .waitFor();

    const dead = page.locator('#dead-letters tr[data-delivery="we_old.demo-1-99.1"]');
    await expect(dead.textContent()).resolves.toContain('ECONNREFUSED');
    await axe('webhooks');
    await screenshots(page, 'brand-webhooks');
    await dead.getByRole('button', { name: 'Replay demo-1-99/1' }).click();
    await page.getByText('demo-1-99/1 queued again.').waitFor();
    await page.getByText('No dead letters').waitFor();
    const replayed = await store.getDelivery(DEMO.brandId, 'we_old.demo-1-99.1');
    expect(replayed?.status).toBe('PENDING');
  });

  it('insight: orders per day per SKU and cancellation rates as charts with their figures', async () => {
    // A coffee order the household cancels: coffee's cancellation rate is 100 %.
    const [coffee] = await pressTimes(stack, data.dir, DEMO.buttons.coffee);
    expect(coffee?.outcome).toBe('ORDERED');
    const household = await (await LocalIssuer.open(data.dir, systemClock)).sign({
      role: 'household',
      tenant: DEMO.householdId,
    });
    const cancelled = await fetch(`${base}/v1/household/orders/${coffee?.orderId}/cancel`, {
      method: 'POST',
      headers: { authorization: `Bearer ${household}`, 'content-type': 'application/json' },
      body: '{}',
    });
    expect(cancelled.status).toBe(200);
    const coffeeCancelled = async () =>
      (
        (await apiGet('/v1/brand/insight')).body.skus as { skuId: string; cancelled: number }[]
      ).find((s) => s.skuId === 'coffee-1kg')?.cancelled;
    await expect.poll(coffeeCancelled, { timeout: 10_000 }).toBe(1);
    await open('insight', 'Insight');
    const chart = page.locator('#orders-per-day svg.chart');
    await expect(chart.getAttribute('aria-label')).resolves.toMatch(
      /^Orders per day per SKU from \d{4}-\d\d-\d\d to \d{4}-\d\d-\d\d: \d+ orders over \d SKU/,
    );
    const rates = await page
      .locator('#cancellations tbody tr')
      .evaluateAll((trs) => trs.map((tr) => tr.textContent));
    // SKU, orders, cancelled, cancellation rate, accidental rate (cancelled inside the window).
    expect(rates).toEqual(['coffee-1kg11100%100%', 'filters-100100%0%']);
    await page.getByText('Show the figures').first().click();
    await page.locator('#orders-per-day details table').waitFor();
    await axe('insight');
    await screenshots(page, 'brand-insight');
  });

  it('sandbox: a virtual test button pressed from the page makes a TEST order listed apart, then reset', async () => {
    await open('sandbox', 'Sandbox');
    const virtual = page.locator('#test-buttons');
    await virtual.getByLabel('SKU').selectOption('descaler');
    await virtual.getByRole('button', { name: 'Create a test button' }).click();
    const made = virtual.locator('li[data-device]');
    await made.waitFor();
    const deviceId = (await made.getAttribute('data-device')) as string;
    await page.getByText(`Test button ${deviceId} created.`).waitFor();
    await expect(made.textContent()).resolves.toContain('TEST');

    await virtual.getByRole('button', { name: `Press: ${deviceId}`, exact: true }).click();
    const answer = virtual.getByText(new RegExp(`^${deviceId}: ORDERED, order (\\S+)\\.$`));
    await answer.waitFor();
    const orderId = /order (\S+)\.$/.exec((await answer.textContent()) as string)?.[1];
    const row = page.locator(`#test-orders tr[data-order="${orderId}"]`);
    await expect(row.textContent()).resolves.toMatch(
      new RegExp(`^TEST${orderId}${deviceId}Descaler 500 ml`),
    );
    // Apart from real orders: the brand's feed of orders in the same status does not list it
    // (a real order waiting in its cancel window is in no brand list either).
    const status = await row.getAttribute('data-status');
    const real = (await apiGet(`/v1/brand/orders?status=${status}`)).body.items as {
      orderId: string;
    }[];
    expect(real.map((o) => o.orderId)).not.toContain(orderId);
    await axe('sandbox');
    await screenshots(page, 'brand-sandbox');

    await page.getByRole('button', { name: 'Reset test orders' }).click();
    await page
      .getByText('Test orders reset: 1 order(s) deleted, 1 test button(s) freed.')
      .waitFor();
    await page.locator('#test-orders').getByText('No test orders.').waitFor();
    expect((await apiGet('/v1/brand/test-orders')).body.items).toEqual([]);
  });

  it('welcome credit: a credit set for a SKU is listed with its amount and campaign', async () => {
    await open('welcome', 'Welcome credit');
    await page.locator('#welcome-credits').getByText('No welcome credit set.').waitFor();
    const set = page.locator('#set-credit');
    await set.getByLabel('SKU').selectOption('coffee-1kg');
    await set.getByLabel('Amount').fill('2,50');
    await set.getByLabel('Campaign (optional)').fill('spring');
    await set.getByRole('button', { name: 'Set credit' }).click();
    await page.getByText('Welcome credit set for coffee-1kg.').waitFor();
    const row = page.locator('#welcome-credits tr[data-sku="coffee-1kg"]');
    await expect(row.textContent()).resolves.toMatch(/^coffee-1kg€2\.50spring/);
    expect((await apiGet('/v1/brand/welcome-credits')).body.items).toMatchObject([
      { skuId: 'coffee-1kg', amount: 250, currency: 'EUR', campaign: 'spring' },
    ]);
    await axe('welcome credit');
    await screenshots(page, 'brand-welcome');
  });

  it('fleet health: a newly claimed button that pressed shows with its battery and status', async () => {
    const household = await (await LocalIssuer.open(data.dir, systemClock)).sign({
      role: 'household',
      tenant: DEMO.householdId,
    });
    const call = async (method: string, path: string, body?: unknown) => {
      const response = await fetch(`${base}${path}`, {
        method,
        headers: { authorization: `Bearer ${household}`, 'content-type': 'application/json' },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
      expect(response.status).toBeLessThan(300);
      return (await response.json()) as Record<string, unknown>;
    };
    const claimed = DEMO.buttons.unclaimed;
    const code = /claim code ([0-9A-Z-]+)/.exec(stack.demo.join('\n'))?.[1];
    await call('POST', '/v1/household/claims', { claimCode: code });
    const terms = await call('GET', `/v1/household/buttons/${claimed}/terms`);
    await call('POST', `/v1/household/buttons/${claimed}/terms`, {
      priceCents: terms.unitPriceCents,
    });
    // Its battery reads 3000 mV, under the 3300 mV low-battery line.
    const button = await connectButton({
      dataDir: data.dir,
      deviceId: claimed,
      port: stack.runtime.mqttPort,
    });
    const pressed = await button.press('SINGLE', 3000).finally(() => button.close());
    expect(pressed.outcome).toBe('ORDERED');
    // The ack comes before the outbox drain that brings the press's battery to fleet health.
    await stack.drainOutbox();

    await open('health', 'Fleet health');
    const row = page.locator(`#health tr[data-device="${claimed}"]`);
    await row.waitFor();
    await expect(row.locator('td').nth(3).textContent()).resolves.toBe('3,000');
    await expect(row.getAttribute('data-health')).resolves.toBe('low_battery');
    await expect(row.locator('.badge').textContent()).resolves.toBe('low battery');
    const api = (await apiGet('/v1/brand/health')).body.buttons as { deviceId: string }[];
    expect(api.find((b) => b.deviceId === claimed)).toMatchObject({
      batteryMv: 3000,
      status: 'low_battery',
      claimed: true,
    });
    await expect(page.locator('#replace-soon li code', { hasText: claimed }).count()).resolves.toBe(
      1,
    );
    await axe('fleet health');
    await screenshots(page, 'brand-health');
  });

  it('insight: RFM segments and retention by claim month from the households that ordered', async () => {
    const insight = (await apiGet('/v1/brand/insight')).body as {
      rfm: { segments: { name: string; households: number }[]; households: number };
      cohorts: { claimMonth: string; claimed: number }[];
    };
    expect(insight.rfm.households).toBeGreaterThan(0);
    await open('insight', 'Insight');
    await expect(page.locator('#rfm svg.chart').getAttribute('aria-label')).resolves.toMatch(
      /^Share of households per RFM segment/,
    );
    const segments = await page
      .locator('#rfm details table tbody tr td:first-child')
      .evaluateAll((tds) => tds.map((td) => td.textContent));
    expect(segments).toEqual(insight.rfm.segments.map((s) => s.name));
    // Every claim happened this month: one cohort, as many claimed as the API counts.
    const [cohort] = insight.cohorts;
    expect(insight.cohorts).toHaveLength(1);
    const row = page.locator(`#cohorts tr[data-cohort="${cohort?.claimMonth}"]`);
    await expect(row.locator('td').nth(1).textContent()).resolves.toBe(String(cohort?.claimed));
    await expect(row.locator('.heat').first().textContent()).resolves.toMatch(/%$/);
    await axe('insight rfm cohorts');
    await screenshots(page, 'brand-insight-rfm');
  });

  it('orders: the feed is the first screen; other screens keep their place on reload', async () => {
    await open('orders', 'Orders');
    await page.locator('#brand-orders').waitFor();
    await page.locator('svg.chart').waitFor();
    await axe('orders');
    await screenshots(page, 'brand-orders');
    await open('webhooks', 'Webhooks');
    await page.reload();
    await page.locator('.screen[data-screen="webhooks"]').waitFor();
    expect(log.lines.filter((l) => l.startsWith('error page error'))).toEqual([]);
  });
});
