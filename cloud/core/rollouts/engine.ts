/**
 * The rollout rules as pure functions: how many buttons a stage may hold, which buttons come
 * first, how a report moves a button, and what a rollout does next given its counts. The
 * service (rollouts.ts) applies the decisions through the store; properties test these rules.
 */
import type { MemberState, Rollout, RolloutPlan, Tally, UpdateState } from './model.ts';

/**
 * A member's state only moves forward: a duplicate or late report (downloading after verifying)
 * changes nothing. A switched button may still roll back or fail (the loader falls back to the
 * old slot when the new firmware cannot reach the cloud); the three end states are final.
 * `cancelled` gives way to any report: the abort withdrew a member whose button had in fact
 * started (its report was still on the way), and that button goes on and counts.
 */
const RANK: Record<MemberState, number> = {
  pending: 0,
  downloading: 1,
  verifying: 2,
  switched: 3,
  rolled_back: 4,
  failed: 4,
  cancelled: 4,
};

export const isInFlight = (state: MemberState) => RANK[state] < RANK.switched;

/** The states a member may be in for `next` to apply (same state: a later block of a download). */
export function statesBefore(next: UpdateState): MemberState[] {
  return (Object.keys(RANK) as MemberState[]).filter(
    (state) =>
      RANK[state] < RANK[next] ||
      (state === 'downloading' && next === 'downloading') ||
      (state === 'cancelled' && next !== 'pending'),
  );
}

/** Buttons a stage may hold: its share of the fleet rounded down, but at least one. */
export function stageQuota(fleetSize: number, percent: number): number {
  if (fleetSize <= 0 || percent <= 0) return 0;
  return Math.min(fleetSize, Math.max(1, Math.floor((fleetSize * percent) / 100)));
}

export function quotaOf(rollout: Rollout): number {
  return stageQuota(rollout.fleetSize, rollout.plan.stages[rollout.stage] ?? 0);
}

/**
 * The order in which a rollout takes buttons: a hash of rollout and device id, so each rollout
 * starts on a different spread of the fleet, every stage extends the previous one, and two
 * sweeps that read the same fleet pick the same buttons.
 */
export function rankKey(rolloutId: string, deviceId: string): string {
  let hash = 0x811c9dc5;
  const text = `${rolloutId}/${deviceId}`;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return `${hash.toString(16).padStart(8, '0')}/${deviceId}`;
}

export function finishedOf(tally: Tally): { failures: number; finished: number } {
  const failures = tally.failed + tally.rolled_back;
  return { failures, finished: failures + tally.switched };
}

/** The abort rule: at least `minFinished` finished and failures/finished ≥ failurePct %. */
export function crossesAbortThreshold(plan: RolloutPlan, tally: Tally): boolean {
  const { failures, finished } = finishedOf(tally);
  return (
    finished > 0 &&
    finished >= plan.abort.minFinished &&
    failures * 100 >= plan.abort.failurePct * finished
  );
}

export type Decision =
  | { kind: 'abort' }
  | { kind: 'assign'; count: number }
  | { kind: 'widen' }
  | { kind: 'complete' }
  | { kind: 'wait' };

/** What the rollout does next, given its record and its members' counts. */
export function decide(rollout: Rollout, tally: Tally): Decision {
  if (rollout.status === 'aborted' || rollout.status === 'completed') return { kind: 'wait' };
  if (crossesAbortThreshold(rollout.plan, tally)) return { kind: 'abort' };
  if (rollout.status === 'paused') return { kind: 'wait' };
  const quota = quotaOf(rollout);
  if (rollout.assigned < quota) return { kind: 'assign', count: quota - rollout.assigned };
  const inFlight = tally.pending + tally.downloading + tally.verifying;
  if (inFlight > 0) return { kind: 'wait' };
  if (rollout.stage === rollout.plan.stages.length - 1) return { kind: 'complete' };
  const { autoWiden } = rollout.plan;
  const { finished } = finishedOf(tally);
  if (autoWiden && tally.switched * 100 >= autoWiden.successPct * finished) {
    return { kind: 'widen' };
  }
  return { kind: 'wait' };
}
