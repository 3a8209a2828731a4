/** axe-core injected into the page as it is, with its experimental rules on too. */
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import type { Page } from 'playwright-core';

const AXE_SOURCE = createRequire(import.meta.url).resolve('axe-core/axe.min.js');

export interface AxeViolation {
  id: string;
  impact: string | null;
  nodes: unknown[];
}

/** Every violation axe finds on the page now. The page's context must bypass its CSP. */
export async function axeViolations(page: Page): Promise<AxeViolation[]> {
  await page.evaluate(await readFile(AXE_SOURCE, 'utf8'));
  // Experimental rules too: label-content-name-mismatch is one of them.
  return (await page.evaluate(`
    axe
      .run(document, {
        rules: Object.fromEntries(
          axe.getRules(['experimental']).map((rule) => [rule.ruleId, { enabled: true }]),
        ),
      })
      .then((result) =>
        result.violations.map((v) => ({ id: v.id, impact: v.impact, nodes: v.nodes.map((n) => n.target) })),
      )
  `)) as AxeViolation[];
}

/** The serious and critical ones: what the console tests refuse. */
export function severe(violations: AxeViolation[]): AxeViolation[] {
  return violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
}
