/**
 * A staged firmware rollout over 200 virtual buttons, 10 % of which fail, on the real local stack
 * (HTTP API, dynalite, the console in Chromium): the brand starts it in the console (image upload,
 * stages, threshold); the buttons report their progress through the engine's ports, as the
 * delivery service does for a real button; the rollout widens once, aborts at exactly the
 * finished update that takes the failure rate to the threshold, and the console shows why.
 * Seeded: the same run every time. Screenshots at desktop and phone width.
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dynamoOtaStores } from '../../cloud/api/ota-stores.ts';
import { dynamoApiStores } from '../../cloud/api/stores.ts';
import { LocalIssuer } from '../../cloud/core/auth/local-issuer.ts';
import { systemClock } from '../../cloud/core/ports.ts';
import { Rollouts } from '../../cloud/core/rollouts/rollouts.ts';
import { localPipeline } from '../../cloud/local/pipeline.ts';
import { type RunningStack, startStack } from '../../cloud/local/stack.ts';
import { buildWeb } from '../../cloud/web/build.ts';
import { quietLog, stackConfig, tempDir } from '../e2e/support.ts';
import { expectedAbort } from '../helpers/abort-oracle.ts';
import { portsUpdateChannel } from '../helpers/ports-update-channel.ts';
import { outcomes, seeded, VirtualFleet } from '../helpers/virtual-fleet.ts';
import { AxeLedger } from './axe.ts';
import { CHROMIUM, chromiumAvailable, launchChromium, pageForAxe, screenshots } from './browser.ts';

const FLEET = 200;
const RULE = { failurePct: 8, minFinished: 20 };
/** A seed whose first stage passes (1 failure in 20), so the abort comes in the second stage. */
const SEED = 5;
const IMAGE = Buffer.alloc(3000, 0x5a);

if (!chromiumAvailable) {
  console.log(`rollout console tests skipped: no Chromium at ${CHROMIUM}`);
}

describe.skipIf(!chromiumAvailable)('staged rollout over 200 virtual buttons, 10 % failing', () => {
  let data: Awaited<ReturnType<typeof tempDir>>;
  let stack: RunningStack;
  let browser: Browser;
  let page: Page;
  let base: string;
  let brandToken: string;
  const log = quietLog();
  const ledger = new AxeLedger();

  const api = async (method: string, path: string, body?: unknown) => {
    const response = await fetch(`${base}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${brandToken}`,
        ...(body ? { 'content-type': 'application/json' } : {}),
      },
      body: body ? JSON.stringify(body) : undefined,
    });
    // biome-ignore lint/suspicious/noExplicitAny: parsed JSON; the assertions check its shape
    return { status: response.status, body: (await response.json()) as any };
  };

  beforeAll(async () => {
    buildWeb();
    data = await tempDir();
    stack = await startStack(stackConfig(data.dir, { seedDemo: false }), {
      log,
      pipeline: localPipeline,
    });
    base = `http://127.0.0.1:${stack.runtime.httpPort}`;
    brandToken = await (await LocalIssuer.open(data.dir, systemClock)).sign({
      role: 'brand',
      tenant: 'acme',
    });
    for (let batch = 0; batch < FLEET / 100; batch++) {
      const buttons = Array.from({ length: 100 }, (_, i) => {
        const n = String(batch * 100 + i).padStart(3, '0');
        return { deviceId: `vb-${n}`, serial: `SN-VB-${n}` };
      });
      expect((await api('POST', '/v1/brand/buttons', { buttons })).status).toBe(201);
    }
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
      name: 'restock-42.js',
      mimeType: 'application/octet-stream',
      buffer: IMAGE,
    });
    await form.getByLabel('Firmware version').fill('42');
    await form.getByLabel('Stages (% of the fleet)').fill('10, 50, 100');
    await form.getByLabel('Widen by itself at a success rate of (%)').fill('85');
    await form.getByLabel('Abort at a failure rate of (%)').fill(String(RULE.failurePct));
    await form
      .getByLabel('…counted from this many finished buttons')
      .fill(String(RULE.minFinished));
    await form.getByRole('button', { name: 'Upload and start' }).click();
    await expect(page.locator('#new-rollout .status').textContent()).resolves.toBeTruthy();
    await page.locator('#rollout-detail[data-status="active"]').waitFor();
    const rolloutId = (await page
      .locator('#rollout-detail')
      .getAttribute('data-rollout')) as string;
    expect((await api('GET', `/v1/brand/rollouts/${rolloutId}`)).body).toMatchObject({
      stage: 0,
      assigned: 20,
      fleetSize: FLEET,
    });

    const random = seeded(SEED);
    // Reports reach the engine as from a second instance on the same table (the jobs Lambda's role).
    const stores = dynamoApiStores(stack.table);
    const ota = dynamoOtaStores(stack.table, systemClock);
    const engine = new Rollouts({
      store: stores.rollouts,
      fleet: stores.buttons,
      assigner: ota.updates,
      images: ota.firmware,
      clock: systemClock,
      newId: () => 'unused',
      log,
    });
    const channel = portsUpdateChannel(ota, engine, 'acme', random);
    const ids = Array.from({ length: FLEET }, (_, i) => `vb-${String(i).padStart(3, '0')}`);
    const fleet = new VirtualFleet(ids, channel, outcomes(FLEET, FLEET / 10, random), random);
    await fleet.wakeUntilIdle();

    const expected = expectedAbort(fleet.finished, RULE);
    expect(expected).toEqual({ failures: 4, finished: 44 });
    const rollout = (await api('GET', `/v1/brand/rollouts/${rolloutId}`)).body;
    expect(rollout).toMatchObject({
      status: 'aborted',
      stage: 1,
      assigned: 100,
      abortReason: { code: 'FAILURE_THRESHOLD', ...expected },
      tally: { switched: 40, rolled_back: 4, pending: 0, cancelled: 56 },
    });

    await page.reload();
    await page.locator(`tr[data-rollout="${rolloutId}"]`).getByRole('button').click();
    const reason = page.locator('#rollout-detail .abort-reason');
    await expect(reason.textContent()).resolves.toContain(
      'Aborted automatically: 4 of 44 finished buttons failed (9.1%), at or above the 8% threshold.',
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
