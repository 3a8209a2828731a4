/**
 * AWS IoT job execution events (`$aws/events/jobExecution/{jobId}/{operation}`) as the rollout
 * engine's reports. The button's own `statusDetails.state` says what happened (a rollback
 * ends an execution as FAILED with state `rolled_back`); AWS's statuses fill in when the button
 * never said (an execution that timed out or was rejected).
 */
import {
  ROLLOUT_ID_PREFIX,
  type UpdateReport,
  type UpdateState,
} from '../../core/rollouts/model.ts';

export interface JobExecutionEvent {
  eventType: string;
  eventId: string;
  timestamp: number;
  operation: string;
  jobId: string;
  thingArn: string;
  status: string;
  statusDetails?: Record<string, string>;
}

/**
 * The SQL of the rule that hands these events to the updates Lambda: the executions of rollout
 * jobs only (other jobs in the account never invoke it).
 */
export const JOB_EXECUTION_RULE_SQL = `SELECT * FROM '$aws/events/jobExecution/+/+' WHERE startswith(jobId, '${ROLLOUT_ID_PREFIX}')`;

const STATE_OF_STATUS: Record<string, { state: UpdateState; reason?: string }> = {
  SUCCEEDED: { state: 'switched' },
  FAILED: { state: 'failed' },
  TIMED_OUT: { state: 'failed', reason: 'TIMED_OUT' },
  REJECTED: { state: 'failed', reason: 'REJECTED' },
};

/** An execution ends in one of these, whatever else the button said before. */
const ENDINGS: readonly UpdateState[] = ['switched', 'rolled_back', 'failed'];
const isEnding = (value: unknown): value is UpdateState => ENDINGS.includes(value as UpdateState);

/** The report the event stands for, or null for events that report nothing (cancelled, removed). */
export function reportOf(event: JobExecutionEvent): UpdateReport | null {
  if (event.eventType !== 'JOB_EXECUTION') return null;
  const byStatus = STATE_OF_STATUS[event.status];
  if (!byStatus) return null;
  const details = event.statusDetails ?? {};
  const deviceId = event.thingArn.slice(event.thingArn.lastIndexOf('/') + 1);
  const state = isEnding(details.state) ? details.state : byStatus.state;
  const fw = Number(details.fw);
  const block = Number(details.block);
  return {
    deviceId,
    job: event.jobId,
    fw: Number.isInteger(fw) ? fw : 0,
    state,
    reason: details.reason ?? byStatus.reason,
    block: Number.isInteger(block) ? block : undefined,
    at: new Date(event.timestamp * 1000).toISOString(),
  };
}
