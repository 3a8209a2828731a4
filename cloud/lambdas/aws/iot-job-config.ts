/**
 * How a rollout's plan reads as AWS IoT Jobs configuration. The engine still decides which
 * buttons join (a thing group per rollout, filled stage by stage); the job adds AWS's own
 * pacing, abort and timeout on top, so the fleet is protected even if the engine stopped.
 */
import type { AbortConfig, JobExecutionsRolloutConfig, TimeoutConfig } from '@aws-sdk/client-iot';
import { stageQuota } from '../../core/rollouts/engine.ts';
import type { Rollout } from '../../core/rollouts/model.ts';

/** AWS limits: base rate 1..1000 per minute, increment factor 1.1..5. */
const MAX_RATE = 1000;
const MIN_FACTOR = 1.1;
const MAX_FACTOR = 5;

/** A sleeping button may need a week of presses to finish a download. */
export const IN_PROGRESS_TIMEOUT_MINUTES = 7 * 24 * 60;

/**
 * Notifications start at the first stage's size per minute and grow by the ratio of the second
 * stage to the first each time a first stage's worth of buttons succeeded.
 */
export function rolloutConfigOf(rollout: Rollout): JobExecutionsRolloutConfig {
  const [first = 100, second] = rollout.plan.stages;
  const firstQuota = stageQuota(rollout.fleetSize, first);
  const factor = second === undefined ? MIN_FACTOR : second / first;
  return {
    maximumPerMinute: MAX_RATE,
    exponentialRate: {
      baseRatePerMinute: Math.min(MAX_RATE, firstQuota),
      incrementFactor: Math.round(Math.min(MAX_FACTOR, Math.max(MIN_FACTOR, factor)) * 10) / 10,
      rateIncreaseCriteria: { numberOfSucceededThings: firstQuota },
    },
  };
}

/** Failed, rejected and timed-out executions all count, as the engine counts failures. */
export function abortConfigOf(rollout: Rollout): AbortConfig {
  return {
    criteriaList: [
      {
        failureType: 'ALL',
        action: 'CANCEL',
        thresholdPercentage: rollout.plan.abort.failurePct,
        minNumberOfExecutedThings: rollout.plan.abort.minFinished,
      },
    ],
  };
}

export const timeoutConfig: TimeoutConfig = {
  inProgressTimeoutInMinutes: IN_PROGRESS_TIMEOUT_MINUTES,
};
