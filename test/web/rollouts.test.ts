/**
 * A staged firmware rollout over 200 virtual buttons, 10 % of which fail, on the real local stack
 * (HTTP API, dynalite, broker, the console in Chromium): the brand starts it in the console
 * (image upload, stages, threshold); the buttons take the update over the broker as the firmware
 * does (test/helpers/mqtt-update-channel.ts) and their reports reach the rollout through the
 * table's outbox; the rollout widens once and aborts at the threshold, and the console shows
 * why, with every button's state. Screenshots at desktop and phone width.
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LocalIssuer } from '../../cloud/core/auth/local-issuer.ts';
import { systemClock } from '../../cloud/core/ports.ts';
import { localPipeline } from '../../cloud/local/pipeline.ts';
import { type RunningStack, startStack } from '../../cloud/local/stack.ts';
import { buildWeb } from '../../cloud/web/build.ts';
import { quietLog, stackConfig, tempDir } from '../e2e/support.ts';
import {
  ABORT_RULE,
  type Api,
  apiAs,
  FLEET,
  IMAGE,
  registerFleet,
  runFleet,
  TO_FW,
} from '../helpers/mqtt-rollout-fleet.ts';
import { AxeLedger } from './axe.ts';
import { CHROMIUM, chromiumAvailable, launchChromium, pageForAxe, screenshots } from './browser.ts';

if (!chromiumAvailable) {
  console.log(`rollout console tests skipped: no Chromium at ${CHROMIUM}`);
}

describe.skipIf(!chromiumAvailable)('staged rollout over 200 virtual buttons, 10 % failing', () => {
  let data: Awaited<ReturnType<typeof tempDir>>;
  let stack: RunningStack;
  let browser: Browser;
  let page: Page;
  let base: string;
  let api: Api;
  const log = quietLog();
  const ledger = new AxeLedger();

  beforeAll(async () => {
    buildWeb();
    data = await tempDir();
    stack = await startStack(stackConfig(data.dir, { seedDemo: false }), {
      log,
      pipeline: localPipeline,
    });
    base = `http://127.0.0.1:${stack.runtime.httpPort}`;
    const brandToken = await (await LocalIssuer.open(data.dir, systemClock)).sign({
      role: 'brand',
      tenant: 'acme',
    });
    api = apiAs(stack, brandToken);
    await registerFleet(api);
    browser = await launchChromium();
    page = await pageForAxe(browser, log);
  }, 120_000);

  afterAll(async () => {
    ledger.report();
    await browser?.close();
    await stack?.close();
    await data?.remove();
  });

  async function signInAsBrand() {
    await page.goto(base);
    await page.evaluate('sessionStorage.clear()');
    await page.goto(`${base}/#brand/rollouts`);
    await page.getByLabel('Role').selectOption('brand');
    await page.getByLabel('Brand id').fill('acme');
    await page.keyboard.press('Enter');
    await page.locator('[data-view="brand"]').waitFor();
  }

  it('widens once, aborts at the threshold, and the console shows why', async () => {
    await signInAsBrand();
    await page.goto(`${base}/#brand/rollouts`);
    const form = page.locator('#new-rollout form');
    await form.getByLabel('Firmware image').setInputFiles({
      name: `restock-${TO_FW}.js`,
      mimeType: 'application/octet-stream',
      buffer: IMAGE,
    });
    await form.getByLabel('Firmware version').fill(String(TO_FW));
    await form.getByLabel('Stages (% of the fleet)').fill('10, 50, 100');
    await form.getByLabel('Widen by itself at a success rate of (%)').fill('85');
    await form.getByLabel('Abort at a failure rate of (%)').fill(String(ABORT_RULE.failurePct));
    await form
      .getByLabel('…counted from this many finished buttons')
      .fill(String(ABORT_RULE.minFinished));
    await form.getByRole('button', { name: 'Upload and start' }).click();
    await expect(page.locator('#new-rollout .status').textContent()).resolves.toBeTruthy();
    await page.locator('#rollout-detail[data-status="active"]').waitFor();
    const rolloutId = (await page
      .locator('#rollout-detail')
      .getAttribute('data-rollout')) as string;
    expect((await api('GET', `/v1/brand/rollouts/${rolloutId}`)).body).toMatchObject({
      stage: 0,
      assigned: FLEET / 10,
      fleetSize: FLEET,
    });

    const { fleet } = await runFleet(stack, data.dir);
    const rollout = (await api('GET', `/v1/brand/rollouts/${rolloutId}`)).body;
    const rolledBack = fleet.finished.filter((u) => u.failed).length;
    expect(rollout.stage).toBeGreaterThanOrEqual(1);
    expect(rollout).toMatchObject({
      status: 'aborted',
      abortReason: { code: 'FAILURE_THRESHOLD' },
      tally: {
        switched: fleet.finished.length - rolledBack,
        rolled_back: rolledBack,
        pending: 0,
        cancelled: rollout.assigned - fleet.finished.length,
      },
    });
    const { failures, finished } = rollout.abortReason;

    await page.reload();
    await page.locator(`tr[data-rollout="${rolloutId}"]`).getByRole('button').click();
    const reason = page.locator('#rollout-detail .abort-reason');
    // Where the buttons' race put the abort (9.1 % at 4 of 44, or 8 % at 2 of 25, …), as the page
    // writes a rate: one decimal at most.
    const rate = new Intl.NumberFormat('en', { style: 'percent', maximumFractionDigits: 1 }).format(
      failures / finished,
    );
    await expect(reason.textContent()).resolves.toContain(
      `Aborted automatically: ${failures} of ${finished} finished buttons failed (${rate}), at or above the ${ABORT_RULE.failurePct}% threshold.`,
    );
    await expect(
      page.locator('#rollout-detail [data-state="rolled_back"]').count(),
    ).resolves.toBeGreaterThan(0);
    await expect(page.locator('#rollout-detail [data-action]').count()).resolves.toBe(0);
    await ledger.check(page, 'rollout aborted');
    const files = await screenshots(page, 'brand-rollout-aborted');
    expect(files).toHaveLength(2);
  }, 600_000);

  it('edits a button’s settings and says the button has not applied them yet', async () => {
    await page.goto(`${base}/#brand/device-settings`);
    await page.getByLabel('Device id').fill('vb-007');
    await page.getByRole('button', { name: 'Load' }).click();
    const form = page.locator('form[data-device="vb-007"]');
    await form.getByLabel('LED brightness (%)').fill('35');
    await form.getByLabel('Second click').selectOption('cancel');
    await form.getByLabel('Network name').first().fill('home');
    await form.getByLabel('Password').first().fill('correct horse');
    await form.getByRole('button', { name: 'Save settings' }).click();
    await page
      .locator('#device-settings .status', { hasText: 'Saved as settings version 1.' })
      .waitFor();
    await expect(page.locator('.reported').textContent()).resolves.toContain(
      'it takes version 1 at its next press',
    );
    await expect(page.getByLabel('Password').first().inputValue()).resolves.toBe('');
    const settings = (await api('GET', '/v1/brand/buttons/vb-007/device-settings')).body;
    expect(settings.desired).toEqual({
      version: 1,
      settings: { led: 35, double: 'cancel', longCancels: false, wifi: [{ ssid: 'home' }] },
    });
    await ledger.check(page, 'device settings');
    await screenshots(page, 'brand-device-settings');
    expect(log.lines.filter((l) => l.startsWith('error page error'))).toEqual([]);
  });
});
