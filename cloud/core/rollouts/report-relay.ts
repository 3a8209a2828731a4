/**
 * Hands the update reports waiting on the outbox to the rollout engine, one at a time in report
 * order, so the engine's threshold sees them as they came. A report is marked applied only after
 * the engine took it: a crash in between applies it again on the next drain, and the engine
 * ignores it then (a member's state only moves forward), so nothing is lost or counted twice.
 * In AWS the job execution events bring the same reports to the same `Rollouts.report`.
 */
import type { UpdateReportOutbox } from '../ota/ports.ts';
import type { Rollouts } from './rollouts.ts';

const DRAIN_BATCH = 100;

/** Applies every waiting report; returns how many it handed over. */
export async function applyUpdateReports(
  outbox: UpdateReportOutbox,
  rollouts: Pick<Rollouts, 'report'>,
): Promise<number> {
  let total = 0;
  for (;;) {
    const reports = await outbox.unappliedReports(DRAIN_BATCH);
    for (const report of reports) {
      await rollouts.report({
        deviceId: report.deviceId,
        job: report.job,
        fw: report.fw,
        state: report.state,
        reason: report.reason,
        block: report.block,
        at: report.updatedAt,
      });
      await outbox.markApplied(report);
    }
    total += reports.length;
    if (reports.length < DRAIN_BATCH) return total;
  }
}
