/** axe-core injected into the page as it is, with its experimental rules on too. */
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import type { Page } from 'playwright-core';
import { expect } from 'vitest';

const AXE_SOURCE = createRequire(import.meta.url).resolve('axe-core/axe.min.js');

interface AxeViolation {
  id: string;
  impact: string | null;
  nodes: unknown[];
}

/** Every violation axe finds on the page now. The page's context must bypass its CSP. */
async function axeViolations(page: Page): Promise<AxeViolation[]> {
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
function severe(violations: AxeViolation[]): AxeViolation[] {
  return violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
}

/** Every axe run of a test file by name, checked as it runs and listed at the end. */
export class AxeLedger {
  private readonly results = new Map<string, AxeViolation[]>();

  /** Runs axe on the page as it is; fails on any serious or critical violation. */
  async check(page: Page, name: string): Promise<void> {
    const violations = await axeViolations(page);
    this.results.set(name, violations);
    expect(severe(violations), name).toEqual([]);
  }

  /** One line per run, minor findings included. */
  report(): void {
    for (const [name, violations] of this.results) {
      const list = violations.map((v) => `${v.id} (${v.impact}) ×${v.nodes.length}`).join(', ');
      console.log(`axe ${name}: ${violations.length} violation(s)${list ? `: ${list}` : ''}`);
    }
  }
}
