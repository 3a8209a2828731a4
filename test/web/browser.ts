/**
 * Debian's Chromium driven by playwright-core, for the web console tests. CI installs it
 * (`.ci/run`); where it is missing the tests print one skip line instead of failing silently.
 */
import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type Browser, chromium, type Page } from 'playwright-core';
import type { Log } from '../../cloud/core/ports.ts';

export const CHROMIUM = process.env.RESTOCK_CHROMIUM ?? '/usr/bin/chromium';
export const chromiumAvailable = existsSync(CHROMIUM);
/** Where the test run writes its screenshots (named in the README; gitignored). */
export const SCREENSHOT_DIR = fileURLToPath(new URL('./screenshots/', import.meta.url));

export const VIEWPORTS = {
  desktop: { width: 1280, height: 900 },
  phone: { width: 390, height: 844 },
} as const;

export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

/** Full-page screenshots of the current view at desktop and phone width. */
export async function screenshots(page: Page, name: string): Promise<string[]> {
  await mkdir(SCREENSHOT_DIR, { recursive: true });
  const files: string[] = [];
  for (const [size, viewport] of Object.entries(VIEWPORTS)) {
    await page.setViewportSize(viewport);
    await page.waitForTimeout(100);
    // Nothing may stick out sideways: the page must fit the phone's width.
    const scrollWidth = Number(await page.evaluate('document.documentElement.scrollWidth'));
    if (scrollWidth > viewport.width) {
      // Name the elements that stick out, so the fix can start from them.
      const culprits = await page.evaluate(`[...document.querySelectorAll('body *')]
        .filter((el) => el.getBoundingClientRect().right > ${viewport.width} + 0.5)
        .filter((el) => ![...el.children].some((c) => c.getBoundingClientRect().right > ${viewport.width} + 0.5))
        .slice(0, 3)
        .map((el) => el.tagName.toLowerCase() + (el.className ? '.' + el.className : ''))
        .join(', ')`);
      throw new Error(
        `${name} is ${scrollWidth} px wide at ${size} width (${viewport.width} px): ${culprits}`,
      );
    }
    const path = join(SCREENSHOT_DIR, `${name}-${size}.png`);
    await page.screenshot({ path, fullPage: true });
    files.push(path);
  }
  await page.setViewportSize(VIEWPORTS.desktop);
  return files;
}

/**
 * A desktop-sized page that lets the tests inject axe-core (the console's CSP allows only its
 * own scripts); page errors go to the log.
 */
export async function pageForAxe(browser: Browser, log: Log): Promise<Page> {
  const context = await browser.newContext({ viewport: VIEWPORTS.desktop, bypassCSP: true });
  const page = await context.newPage();
  page.setDefaultTimeout(10_000);
  page.on('pageerror', (error) => log.error('page error', { error: String(error) }));
  return page;
}
