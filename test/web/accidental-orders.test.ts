/**
 * Accidental orders in the web console, in English and in French, in Chromium against the real
 * local stack: the terms a household accepts when it claims a button, the next-need hint learned
 * from its delivered orders, and the support queue of held and flagged orders with its audited
 * bulk cancel. Every view is checked with axe-core (no serious or critical violation) in both
 * languages, and photographed at desktop and phone width (test/web/screenshots/).
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LocalIssuer, type TokenRequest } from '../../cloud/core/auth/local-issuer.ts';
import { wallClock } from '../../cloud/core/guard/local-time.ts';
import { systemClock } from '../../cloud/core/ports.ts';
import { DEMO } from '../../cloud/local/demo.ts';
import { localPipeline } from '../../cloud/local/pipeline.ts';
import { type RunningStack, startStack } from '../../cloud/local/stack.ts';
import { buildWeb } from '../../cloud/web/build.ts';
import { deliveredHistory, pressTimes, quietLog, stackConfig, tempDir } from '../e2e/support.ts';
import { AxeLedger } from './axe.ts';
import { chromiumAvailable, launchChromium, pageForAxe, screenshots } from './browser.ts';

describe.skipIf(!chromiumAvailable)('accidental orders in the console, in two languages', () => {
  let data: Awaited<ReturnType<typeof tempDir>>;
  let stack: RunningStack;
  let browser: Browser;
  let page: Page;
  let base: string;
  const log = quietLog();
  const ledger = new AxeLedger();

  const apiCall = async (method: string, path: string, request: TokenRequest, body?: unknown) => {
    const token = await (await LocalIssuer.open(data.dir, systemClock)).sign(request);
    const response = await fetch(`${base}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${token}`,
        ...(body ? { 'content-type': 'application/json' } : {}),
      },
      body: body ? JSON.stringify(body) : undefined,
    });
    return { status: response.status, body: (await response.json()) as Record<string, unknown> };
  };
  const household = { role: 'household', tenant: DEMO.householdId } as const;

  const press = async (deviceId: string) => {
    const [result] = await pressTimes(stack, data.dir, deviceId);
    if (!result) throw new Error(`no answer to a press of ${deviceId}`);
    return result;
  };

  async function signIn(role: 'household' | 'support' | 'brand', tenant?: string) {
    await page.goto(base);
    await page.evaluate('sessionStorage.clear(); localStorage.clear()');
    await page.goto(base);
    await page.getByLabel('Role').selectOption(role);
    if (tenant) await page.getByLabel(role === 'brand' ? 'Brand id' : 'Household id').fill(tenant);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.locator(`[data-view="${role}"]`).waitFor();
  }

  async function speak(language: 'en' | 'fr') {
    await page.locator('#language select').selectOption(language);
    await page.locator(`html[lang="${language}"]`).waitFor();
  }

  const axe = (name: string) => ledger.check(page, name);

  beforeAll(async () => {
    buildWeb();
    data = await tempDir();
    stack = await startStack(stackConfig(data.dir), { log, pipeline: localPipeline });
    base = `http://127.0.0.1:${stack.runtime.httpPort}`;
    browser = await launchChromium();
    page = await pageForAxe(browser, log);
  }, 60_000);

  afterAll(async () => {
    ledger.report();
    await browser?.close();
    await stack?.close();
    await data?.remove();
  });

  it('sign-in: no serious or critical violation in English or French', async () => {
    await page.goto(base);
    await page.getByRole('heading', { name: 'Sign in' }).waitFor();
    await axe('sign-in en');
    await speak('fr');
    await page.getByRole('heading', { name: 'Se connecter' }).waitFor();
    await axe('sign-in fr');
    await screenshots(page, 'sign-in-fr');
  });

  it('household: claiming a button shows product, price, quantity, limit and the obligation to pay; accepting it lets the button order', async () => {
    const code = /claim code ([0-9A-Z-]+)/.exec(stack.demo.join('\n'))?.[1] as string;
    await signIn('household', DEMO.householdId);
    await page.getByLabel('Claim code (on the box)').fill(code);
    await page.getByRole('button', { name: 'Claim', exact: true }).click();
    const terms = page.locator('[data-terms="demo-3"]');
    await terms.waitFor();
    await expect(terms.textContent()).resolves.toContain(
      'Each press of this button orders 1 × Descaler 500 ml at €7.99 each, with an obligation to pay. If the price rises by more than 0%, the button asks you first.',
    );
    await expect(terms.locator('dd').allTextContents()).resolves.toEqual([
      'Descaler 500 ml',
      '€7.99',
      '1',
      '0%',
    ]);
    await axe('household claim consent en');
    await screenshots(page, 'claim-consent-en');

    await speak('fr');
    await page.getByRole('button', { name: 'Conditions de demo-3' }).click();
    await terms.waitFor();
    await expect(terms.locator('.wording').textContent()).resolves.toBe(
      'Chaque appui sur ce bouton commande 1 × Descaler 500 ml à 7,99\u00a0€ l’unité, avec obligation de paiement. Si le prix augmente de plus de 0\u00a0%, le bouton vous demande d’abord.',
    );
    await axe('household claim consent fr');
    await screenshots(page, 'claim-consent-fr');

    expect((await press('demo-3')).outcome).toBe('NEEDS_CONFIRMATION');
    await page
      .getByRole('button', {
        name: 'J’accepte : un appui passe une commande avec obligation de paiement',
      })
      .click();
    await page
      .getByText('Conditions acceptées : le bouton demo-3 commande désormais à chaque appui.')
      .waitFor();
    const declined = await apiCall('POST', '/v1/household/orders/demo-3-1/decline', household);
    expect(declined.status).toBe(200);
    expect((await press('demo-3')).outcome).toBe('ORDERED');
  });

  it('household: the next-need hint learned from its own delivered orders, in both languages', async () => {
    await deliveredHistory(stack, data.dir, DEMO.brandId, 'demo-1', [46, 26, 6]);
    await signIn('household', DEMO.householdId);
    const hint = page.locator('tr[data-device="demo-1"] .next-need');
    await expect(hint.textContent()).resolves.toMatch(
      /^usually every 20 days, next around \d{1,2} [A-Z][a-z]+ \d{4}$/,
    );
    await axe('household next-need en');
    await screenshots(page, 'next-need-en');
    await speak('fr');
    await expect(hint.textContent()).resolves.toMatch(
      /^en général tous les 20 jours, prochain vers le \d{1,2} [a-zéû]+ \d{4}$/,
    );
    await axe('household next-need fr');
    await screenshots(page, 'next-need-fr');
  });

  it('household: time zone, quiet hours and learning for every button; learning off forgets what was learned', async () => {
    await signIn('household', DEMO.householdId);
    const form = page.locator('[data-form="household-guard"]');
    await form.waitFor();
    const hint = page.locator('tr[data-device="demo-1"] .next-need');
    await expect(hint.textContent()).resolves.toMatch(/^usually every 20 days/);
    await form.getByLabel('Time zone').fill('Europe/Paris');
    await form.getByLabel('Learn my reorder rhythm from my delivered orders').uncheck();
    await form.getByRole('button', { name: 'Save settings' }).click();
    await page
      .getByText('Learning is off: what was learned from your orders is forgotten on every button.')
      .waitFor();
    await page
      .locator('tr[data-device="demo-1"] .next-need', { hasText: 'learning is off' })
      .waitFor();
    for (const deviceId of ['demo-1', 'demo-2', 'demo-3']) {
      const button = await apiCall('GET', `/v1/household/buttons/${deviceId}`, household);
      expect(button.body.rhythm).toEqual({});
      expect(button.body.settings).toMatchObject({ timeZone: 'Europe/Paris', learnRhythm: false });
    }
    await axe('household settings en');
    await screenshots(page, 'household-settings-en');

    await speak('fr');
    await form
      .getByLabel('Apprendre mon rythme de commande à partir de mes commandes livrées')
      .check();
    await form.getByRole('button', { name: 'Enregistrer les réglages' }).click();
    await page.getByText('Enregistré pour tous les boutons.').waitFor();
    // Learning again, from nothing: what was learned before stays forgotten.
    await page
      .locator('tr[data-device="demo-1"] .next-need', { hasText: 'pas encore assez de commandes' })
      .waitFor();
    await axe('household settings fr');
    await screenshots(page, 'household-settings-fr');
    const settings = await apiCall('GET', '/v1/household/settings', household);
    expect(settings.body).toEqual({
      timeZone: 'Europe/Paris',
      quietHours: null,
      learnRhythm: true,
    });
  });

  it('support: held and flagged orders across the queue, oldest first; one reason cancels several, each audited', async () => {
    const settings = (deviceId: string, body: unknown) =>
      apiCall('PATCH', `/v1/household/buttons/${deviceId}/settings`, household, body);
    expect((await settings('demo-2', { childLock: 'confirm' })).status).toBe(200);
    const locked = await press('demo-2');
    expect(locked.outcome).toBe('NEEDS_CONFIRMATION');
    const now = Date.now();
    const quiet = {
      quietHours: {
        from: wallClock(now - 3_600_000, 'Europe/Paris'),
        to: wallClock(now + 3_600_000, 'Europe/Paris'),
      },
      timeZone: 'Europe/Paris',
    };
    expect((await settings('demo-1', quiet)).status).toBe(200);
    const night = await press('demo-1');
    expect(night.outcome).toBe('NEEDS_CONFIRMATION');

    await signIn('support');
    // demo-3's order from the claim test was placed right after a declined one: flagged too.
    const queue = ['demo-3-2', locked.orderId, night.orderId];
    const rows = page.locator('#flagged tbody tr');
    await rows.nth(queue.length - 1).waitFor();
    await expect(
      rows.evaluateAll((trs) => trs.map((tr) => tr.getAttribute('data-order'))),
    ).resolves.toEqual(queue);
    await expect(rows.nth(0).textContent()).resolves.toContain('reordered right after a cancel');
    await expect(rows.nth(1).textContent()).resolves.toContain('child lock');
    await expect(rows.nth(2).textContent()).resolves.toContain('during quiet hours');
    await axe('support queue en');
    await screenshots(page, 'support-queue-en');

    await speak('fr');
    await expect(rows.nth(2).textContent()).resolves.toContain('pendant les heures calmes');
    await axe('support queue fr');
    await screenshots(page, 'support-queue-fr');
    for (const orderId of queue) {
      await page.getByLabel(`Sélectionner la commande ${orderId}`).check();
    }
    await page
      .getByLabel(/^Motif d’annulation des commandes sélectionnées/)
      .fill('appuis d’enfant');
    await page.getByRole('button', { name: 'Annuler les commandes sélectionnées' }).click();
    await page.getByText('3 commandes annulées.').waitFor();
    await page.getByText('Aucune commande signalée.').waitFor();
    // The audit trail reloads after the cancel answer: wait for its rows, then count them.
    const audited = page.locator('#audit tr[data-action="order.cancel"]');
    await audited.nth(queue.length - 1).waitFor();
    await expect(audited.count()).resolves.toBe(queue.length);
    for (const orderId of queue) {
      const order = await apiCall('GET', `/v1/household/orders/${orderId}`, household);
      expect(order.body.status).toBe('CANCELLED');
    }
  });

  it('brand: no serious or critical violation in English or French', async () => {
    await signIn('brand', DEMO.brandId);
    // Every screen of the brand console, in each language.
    for (const language of ['en', 'fr'] as const) {
      if (language === 'fr') await speak('fr');
      const links = page.locator('nav.screens a');
      for (let i = 0; i < (await links.count()); i++) {
        const screen = await links.nth(i).getAttribute('data-screen');
        await links.nth(i).click();
        await page.locator(`.screen[data-screen="${screen}"] .panel:visible`).first().waitFor();
        await page.waitForLoadState('networkidle');
        await axe(`brand ${screen} ${language}`);
      }
    }
    await page.getByRole('link', { name: 'Références' }).click();
    await page.locator('#skus tbody tr').first().waitFor();
    await screenshots(page, 'brand-fr');
    expect(log.lines.filter((l) => l.startsWith('error page error'))).toEqual([]);
  });
});
