/**
 * A rollout sends one uploaded firmware image to a growing share of one brand's fleet. Its id
 * is also the update job's id on every button it assigns, so a button's progress report names
 * the rollout it belongs to.
 */
import type { Actor } from '../model.ts';
import type { UpdateReported, UpdateState } from '../ota/ports.ts';

export type { UpdateState };

/** A button's progress through one update, as the button reports it. */
export const UPDATE_STATES: readonly UpdateState[] = [
  'pending',
  'downloading',
  'verifying',
  'switched',
  'rolled_back',
  'failed',
];

/** A rollout member is also `cancelled` once an abort withdrew it before it started. */
export type MemberState = UpdateState | 'cancelled';

/** One progress report from a button: the `update.reported` event, with the block it reached. */
export type UpdateReport = UpdateReported & { block?: number | undefined };

export interface RolloutPlan {
  /** Cumulative percent of the fleet per stage, strictly ascending, the last at most 100. */
  stages: number[];
  /**
   * Widen to the next stage without a person once every button of the stage has finished and
   * at least `successPct` percent of the finished ones switched; null: widen by hand only.
   */
  autoWiden: { successPct: number } | null;
  /** Abort once `failurePct` percent of finished buttons failed, counted from `minFinished` finished ones on. */
  abort: { failurePct: number; minFinished: number };
}

/**
 * Every rollout id starts with this; in AWS the id also names the rollout's IoT job and thing
 * group, so IAM grants and the job-event rule select Restock's own by it.
 */
export const ROLLOUT_ID_PREFIX = 'ro_';

export const ROLLOUT_STATUSES = ['active', 'paused', 'aborted', 'completed'] as const;
export type RolloutStatus = (typeof ROLLOUT_STATUSES)[number];

export interface AbortReason {
  code: 'FAILURE_THRESHOLD' | 'ABORTED_BY_USER';
  /** Failed or rolled back, and finished (switched + failed + rolled back), when it aborted. */
  failures: number;
  finished: number;
  by: Actor;
}

export interface Rollout {
  rolloutId: string;
  brandId: string;
  fw: number;
  plan: RolloutPlan;
  /** Buttons of the brand when the rollout was created: the stages' shares are of this count. */
  fleetSize: number;
  /** Index into `plan.stages`. */
  stage: number;
  status: RolloutStatus;
  /** Buttons given an assignment so far (a counter the store raises conditionally). */
  assigned: number;
  abortReason: AbortReason | null;
  createdBy: Actor;
  createdAt: number;
  updatedAt: number;
  /** Raised by every status or stage change; changes are conditional on the version read. */
  version: number;
}

export interface RolloutMember {
  rolloutId: string;
  deviceId: string;
  /** The stage during which the button was assigned. */
  stage: number;
  state: MemberState;
  reason?: string | undefined;
  /** The last block a downloading button reported. */
  block?: number | undefined;
  assignedAt: number;
  updatedAt: number;
}

export type Tally = Record<MemberState, number>;

export const emptyTally = (): Tally => ({
  pending: 0,
  downloading: 0,
  verifying: 0,
  switched: 0,
  rolled_back: 0,
  failed: 0,
  cancelled: 0,
});
