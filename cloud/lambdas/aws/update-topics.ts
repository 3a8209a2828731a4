/**
 * What the IoT rules on the update topics hand the updates Lambda, and what it does with each:
 * - a button's `manifest/get` → the signed manifest of its update, published on its manifest
 *   topic (the delivery code the local stack runs on its broker);
 * - a job execution event → the button's assignment in the table (so the press path stops
 *   telling it an update waits) and the rollout engine's report (tally, widening, abort);
 * - a shadow `update/accepted` carrying `reported` → the button's reported settings;
 * - the schedule's `sweep` → open rollouts moved on (assignments a crash left owed).
 * Blocks and job progress are answered by AWS IoT itself (MQTT-based file delivery, Jobs).
 * Input a rule could not have produced is refused with a reason and never retried.
 */
import { isDeviceId } from '#shared/index';
import type { UpdateDelivery } from '../../core/ota/delivery.ts';
import type { UpdateAssignmentStore } from '../../core/ota/ports.ts';
import type { Log } from '../../core/ports.ts';
import type { Rollouts } from '../../core/rollouts/rollouts.ts';
import { type JobExecutionEvent, reportOf } from './job-execution-event.ts';

/** The rules' SQL: each names its kind, so one Lambda tells them apart. */
export const MANIFEST_RULE_SQL =
  "SELECT 'manifest/get' AS kind, topic(3) AS deviceId FROM 'restock/v1/+/manifest/get'";
export const SHADOW_REPORTED_RULE_SQL =
  "SELECT 'shadow/reported' AS kind, topic(3) AS deviceId, state.reported AS reported FROM '$aws/things/+/shadow/update/accepted' WHERE isUndefined(state.reported) = false";
export const SWEEP_EVENT = { kind: 'sweep' } as const;

export type UpdateTopicEvent =
  | { kind: 'manifest/get'; deviceId: string }
  | { kind: 'shadow/reported'; deviceId: string; reported: unknown }
  | typeof SWEEP_EVENT
  | JobExecutionEvent;

export type UpdateTopicResult =
  | { done: 'manifest' | 'settings' | 'report' }
  | { done: 'sweep'; rollouts: number }
  | { done: 'ignored'; reason: string };

export interface UpdateTopicsDeps {
  delivery: Pick<UpdateDelivery, 'sendManifest' | 'recordSettings'>;
  assignments: Pick<UpdateAssignmentStore, 'report'>;
  rollouts: Pick<Rollouts, 'report' | 'sweep'>;
  log: Log;
}

export class UpdateTopics {
  constructor(private readonly deps: UpdateTopicsDeps) {}

  async handle(event: UpdateTopicEvent): Promise<UpdateTopicResult> {
    if ('eventType' in event) return this.jobExecution(event);
    switch (event.kind) {
      case 'sweep':
        return { done: 'sweep', rollouts: await this.deps.rollouts.sweep() };
      case 'manifest/get':
        if (!isDeviceId(event.deviceId)) return this.ignore('BAD_DEVICE_ID', event);
        await this.deps.delivery.sendManifest(event.deviceId);
        return { done: 'manifest' };
      case 'shadow/reported': {
        const { reported } = event;
        if (!isDeviceId(event.deviceId)) return this.ignore('BAD_DEVICE_ID', event);
        if (typeof reported !== 'object' || reported === null) {
          return this.ignore('MALFORMED', event);
        }
        if (typeof (reported as { cfg?: unknown }).cfg !== 'number') {
          return this.ignore('NO_SETTINGS_VERSION', event);
        }
        await this.deps.delivery.recordSettings(event.deviceId, { state: { reported } });
        return { done: 'settings' };
      }
      default:
        return this.ignore('UNKNOWN_EVENT', event);
    }
  }

  /**
   * The table first, then the engine: a retry after a crash between the two repeats both, and
   * both ignore a report they already applied. (The mark a report write leaves for the local
   * stack's report drain costs nothing here: the AWS table has no outbox index.)
   */
  private async jobExecution(event: JobExecutionEvent): Promise<UpdateTopicResult> {
    const report = reportOf(event);
    // Cancelled and removed executions report nothing: the engine withdrew them itself.
    if (!report) return { done: 'ignored', reason: 'NOT_A_REPORT' };
    if (!isDeviceId(report.deviceId)) return this.ignore('BAD_DEVICE_ID', event);
    await this.deps.assignments.report(report.deviceId, report.job, report.state, {
      ...(report.reason ? { reason: report.reason } : {}),
      ...(report.block !== undefined ? { block: report.block } : {}),
    });
    const outcome = await this.deps.rollouts.report(report);
    this.deps.log.info('update reported', { ...report, outcome });
    return { done: 'report' };
  }

  /** Logs what came, never the payload (reported settings may carry Wi-Fi passwords). */
  private ignore(reason: string, event: object): UpdateTopicResult {
    const { kind, deviceId, jobId, thingArn } = event as Record<string, unknown>;
    this.deps.log.warn('update topic event refused', { reason, kind, deviceId, jobId, thingArn });
    return { done: 'ignored', reason };
  }
}
