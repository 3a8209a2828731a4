/**
 * Where a rollout must abort, worked out from the finishing order alone: the engine must abort
 * at the first finished update after which failures/finished reaches the threshold with at least
 * the minimum finished — not earlier, not later.
 */
import type { FinishedUpdate } from './virtual-fleet.ts';

export interface ExpectedAbort {
  failures: number;
  finished: number;
}

export function expectedAbort(
  finished: FinishedUpdate[],
  rule: { failurePct: number; minFinished: number },
): ExpectedAbort | null {
  let failures = 0;
  let count = 0;
  for (const update of finished) {
    count++;
    if (update.failed) failures++;
    if (count >= rule.minFinished && failures * 100 >= rule.failurePct * count) {
      return { failures, finished: count };
    }
  }
  return null;
}
