import { RestockError } from '../errors.ts';

/** A rollout request the rollout's state or plan does not allow (code says which rule). */
export class RolloutRefusedError extends RestockError {
  override readonly name = 'RolloutRefusedError';
  constructor(code: RolloutRefusal, message: string, details: Record<string, unknown> = {}) {
    super(code, message, { details });
  }
}

export type RolloutRefusal =
  | 'ROLLOUT_FINISHED'
  | 'ROLLOUT_LAST_STAGE'
  | 'ROLLOUT_NOT_PAUSED'
  | 'ROLLOUT_PLAN_INVALID'
  | 'FLEET_EMPTY';
