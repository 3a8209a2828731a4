/**
 * Fault injection for the outbox crash tests: with `RESTOCK_CRASH_AT=<step>`, `npm start` kills
 * itself with SIGKILL the first time its outbox drain reaches that step, so a test can stop the
 * real process exactly between a press's commit point and its order item, between an order
 * write and the household's notification list, or between a button's update report and its
 * rollout, then start it again on the same data folder.
 * Unset, every step is a no-op.
 */
import { writeSync } from 'node:fs';
import type { OutboxStore } from '../core/events/outbox.ts';
import type { OrderEvent } from '../core/model.ts';
import type { UpdateReportOutbox } from '../core/ota/ports.ts';
import type { EventSink } from '../core/ports.ts';
import type { CommitOutbox } from '../core/press/commit-relay.ts';
import { LocalConfigError } from '../dev/errors.ts';

/** In the order a drain passes them, before the outbox steps. */
export const COMMIT_STEPS = [
  /** Buttons with claims not yet relayed were read (their presses acked); nothing written yet. */
  'commits-read',
  /** The order items and press records are written; the buttons' marks are not cleared yet. */
  'commits-written',
] as const;
export type CommitStep = (typeof COMMIT_STEPS)[number];

/** In the order a drain passes them. */
export const OUTBOX_STEPS = [
  /** Orders with unpublished events were read; nothing is published yet. */
  'pending-read',
  /** Console line and outbox file written; the household's list not yet. */
  'outbox-file',
  /** The household's notification written; statistics and webhook queue may be half done. */
  'household-list',
  /** Every consumer has the events; the order is not yet marked published. */
  'all-consumers',
] as const;
export type OutboxStep = (typeof OUTBOX_STEPS)[number];

/** In the order a drain of update reports passes them. */
export const UPDATE_REPORT_STEPS = [
  /** Reports waiting for their rollout were read; none applied yet. */
  'reports-read',
  /** The rollout counted a report; its outbox mark is not cleared yet. */
  'report-applied',
] as const;
export type UpdateReportStep = (typeof UPDATE_REPORT_STEPS)[number];

export type CrashPoint = (step: CommitStep | OutboxStep | UpdateReportStep) => void;

const STEPS: readonly string[] = [...COMMIT_STEPS, ...OUTBOX_STEPS, ...UPDATE_REPORT_STEPS];

export const noCrash: CrashPoint = () => {};

export function crashPointFrom(value: string | undefined): CrashPoint {
  if (!value) return noCrash;
  if (!STEPS.includes(value)) {
    throw new LocalConfigError(
      `RESTOCK_CRASH_AT must be one of ${STEPS.join(', ')}, not "${value}"`,
    );
  }
  return (step) => {
    if (step !== value) return;
    writeSync(2, `crash point ${step}: SIGKILL\n`);
    process.kill(process.pid, 'SIGKILL');
  };
}

/** The household's notifier between the outbox file and the other consumers. */
export function householdStep(crash: CrashPoint, household: EventSink): EventSink {
  return {
    async emit(events: OrderEvent[]) {
      crash('outbox-file');
      await household.emit(events);
      crash('household-list');
    },
  };
}

export function commitSteps(crash: CrashPoint, outbox: CommitOutbox): CommitOutbox {
  return {
    async pendingCommits(limit) {
      const commits = await outbox.pendingCommits(limit);
      if (commits.length > 0) crash('commits-read');
      return commits;
    },
    async clearCommit(relayed) {
      crash('commits-written');
      await outbox.clearCommit(relayed);
    },
  };
}

export function outboxSteps(crash: CrashPoint, store: OutboxStore): OutboxStore {
  return {
    async pendingChanges(limit) {
      const changes = await store.pendingChanges(limit);
      if (changes.length > 0) crash('pending-read');
      return changes;
    },
    async markPublished(orderId, count) {
      crash('all-consumers');
      await store.markPublished(orderId, count);
    },
  };
}

export function updateReportSteps(
  crash: CrashPoint,
  outbox: UpdateReportOutbox,
): UpdateReportOutbox {
  return {
    async unappliedReports(limit) {
      const reports = await outbox.unappliedReports(limit);
      if (reports.length > 0) crash('reports-read');
      return reports;
    },
    async markApplied(report) {
      crash('report-applied');
      await outbox.markApplied(report);
    },
  };
}
