/**
 * A flood of forged presses — 10 000 for random, syntactically valid device ids from one
 * connection allowed to publish on every press topic — costs a bounded number of table items
 * (the rejection budget, cloud/core/press/rejection-budget.ts), and every genuine press made
 * during the flood is ORDERED. Latencies are printed by `npm run bench -- --json`, never asserted.
 */
import { expect, it } from 'vitest';
import { measureFlood } from '../../bench/flood.ts';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';

it('10 000 forged presses write at most the budget; all 20 genuine presses are ORDERED', async () => {
  const flood = await measureFlood({ forged: 10_000, legit: 20 });
  expect(flood.legit_ordered).toBe(20);
  expect(flood.items_written).toBeGreaterThan(0);
  expect(flood.items_written).toBeLessThanOrEqual(flood.items_bound);
}, 180_000);
