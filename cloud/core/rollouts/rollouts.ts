/**
 * The rollout service: creates rollouts, applies the engine's decisions through the store, and
 * turns button reports into member states. Every step re-reads and writes conditionally, so a
 * sweep and any number of report handlers may run it at once: a lost race only means another
 * caller did the step.
 */
import { NotFoundError } from '../errors.ts';
import type { Actor } from '../model.ts';
import type { Page, PageRequest } from '../page.ts';
import type { Clock, Log } from '../ports.ts';
import { decide, finishedOf, quotaOf, rankKey, statesBefore } from './engine.ts';
import { RolloutRefusedError } from './errors.ts';
import {
  type AbortReason,
  ROLLOUT_ID_PREFIX,
  type Rollout,
  type RolloutMember,
  type RolloutPlan,
  type UpdateReport,
} from './model.ts';
import type { RolloutChange, RolloutStore } from './rollout-store.ts';

/** The brand's buttons (ButtonStore satisfies it). */
export interface FleetSource {
  listBrandButtons(brandId: string, page: PageRequest): Promise<Page<{ deviceId: string }>>;
}

/** Hands a button its update (UpdateAssignmentStore satisfies it). */
export interface UpdateAssigner {
  /** False when the button has another update active. */
  assign(deviceId: string, job: string, fw: number): Promise<boolean>;
  /** Withdraws the job from a button that has not started it; a started one goes on. */
  cancel(deviceId: string, job: string): Promise<void>;
}

/** Whether the brand uploaded that firmware (FirmwareImageStore satisfies it). */
export interface FirmwareCatalog {
  get(brandId: string, fw: number): Promise<unknown | null>;
}

export interface RolloutDeps {
  store: RolloutStore;
  fleet: FleetSource;
  assigner: UpdateAssigner;
  images: FirmwareCatalog;
  clock: Clock;
  newId: () => string;
  log: Log;
}

export interface NewRollout {
  brandId: string;
  fw: number;
  plan: RolloutPlan;
  by: Actor;
}

export type ReportOutcome = 'applied' | 'ignored';

const FLEET_PAGE = 500;
/** Each decision moves the rollout on; more steps than stages + a few means a bug, not work. */
const MAX_STEPS_BEYOND_STAGES = 4;

export class Rollouts {
  constructor(private readonly deps: RolloutDeps) {}

  async create(request: NewRollout): Promise<Rollout> {
    const { store, clock } = this.deps;
    checkPlan(request.plan);
    if (!(await this.deps.images.get(request.brandId, request.fw))) {
      throw new NotFoundError('firmware', String(request.fw));
    }
    const fleetSize = (await this.fleetOf(request.brandId)).length;
    if (fleetSize === 0) {
      throw new RolloutRefusedError('FLEET_EMPTY', `brand ${request.brandId} has no buttons`);
    }
    const now = clock.now();
    const rollout: Rollout = {
      rolloutId: `${ROLLOUT_ID_PREFIX}${this.deps.newId().replace(/-/g, '').slice(0, 20)}`,
      brandId: request.brandId,
      fw: request.fw,
      plan: request.plan,
      fleetSize,
      stage: 0,
      status: 'active',
      assigned: 0,
      abortReason: null,
      createdBy: request.by,
      createdAt: now,
      updatedAt: now,
      version: 1,
    };
    await store.createRollout(rollout);
    return this.advance(rollout.rolloutId);
  }

  /** The rollout if it exists and `brandId` (null: any brand, for operators) may see it. */
  async get(rolloutId: string, brandId: string | null): Promise<Rollout> {
    const rollout = await this.deps.store.getRollout(rolloutId);
    if (!rollout || (brandId !== null && rollout.brandId !== brandId)) {
      throw new NotFoundError('rollout', rolloutId);
    }
    return rollout;
  }

  widen(rolloutId: string, brandId: string | null): Promise<Rollout> {
    return this.change(rolloutId, brandId, (rollout) => {
      if (rollout.stage >= rollout.plan.stages.length - 1) {
        throw new RolloutRefusedError(
          'ROLLOUT_LAST_STAGE',
          `rollout ${rolloutId} is at its last stage`,
        );
      }
      return { stage: rollout.stage + 1, status: 'active' };
    });
  }

  pause(rolloutId: string, brandId: string | null): Promise<Rollout> {
    return this.change(rolloutId, brandId, () => ({ status: 'paused' }));
  }

  resume(rolloutId: string, brandId: string | null): Promise<Rollout> {
    return this.change(rolloutId, brandId, (rollout) => {
      if (rollout.status !== 'paused') {
        throw new RolloutRefusedError('ROLLOUT_NOT_PAUSED', `rollout ${rolloutId} is not paused`);
      }
      return { status: 'active' };
    });
  }

  async abort(rolloutId: string, brandId: string | null, by: Actor): Promise<Rollout> {
    const rollout = await this.get(rolloutId, brandId);
    if (rollout.status === 'completed') {
      throw new RolloutRefusedError('ROLLOUT_FINISHED', `rollout ${rolloutId} is completed`);
    }
    await this.abortNow(rolloutId, 'ABORTED_BY_USER', by);
    return this.get(rolloutId, brandId);
  }

  /**
   * Applies a button's progress report: moves its member (monotone, so duplicates and late
   * reports change nothing), then lets the rollout react (abort, fill, widen, complete).
   */
  async report(report: UpdateReport): Promise<ReportOutcome> {
    const { store, clock } = this.deps;
    const member = await store.getMember(report.job, report.deviceId);
    if (!member) return 'ignored';
    const moved = await store.moveMember(report.job, report.deviceId, statesBefore(report.state), {
      state: report.state,
      reason: report.reason,
      block: report.block,
      updatedAt: clock.now(),
    });
    if (!moved) return 'ignored';
    await this.advance(report.job);
    return 'applied';
  }

  /** The sweep: moves every open rollout on (assignments that a crash left owed, widening). */
  async sweep(limit = 100): Promise<number> {
    const open = await this.deps.store.openRollouts(limit);
    for (const rollout of open) await this.advance(rollout.rolloutId);
    return open.length;
  }

  /** Applies the engine's decisions until it waits; returns the rollout as it then stands. */
  async advance(rolloutId: string): Promise<Rollout> {
    const { store } = this.deps;
    for (let step = 0; ; step++) {
      const rollout = await this.get(rolloutId, null);
      if (step > rollout.plan.stages.length + MAX_STEPS_BEYOND_STAGES) return rollout;
      const decision = decide(rollout, await store.tally(rolloutId));
      switch (decision.kind) {
        case 'wait':
          return rollout;
        case 'abort':
          await this.abortNow(rolloutId, 'FAILURE_THRESHOLD', { kind: 'system', id: 'rollouts' });
          break;
        case 'assign':
          if ((await this.assignMore(rollout, decision.count)) === 0) return rollout;
          break;
        case 'widen':
          await this.changeFrom(rollout, { stage: rollout.stage + 1 });
          break;
        case 'complete':
          await this.changeFrom(rollout, { status: 'completed' });
          break;
      }
    }
  }

  private async change(
    rolloutId: string,
    brandId: string | null,
    next: (rollout: Rollout) => Partial<RolloutChange>,
  ): Promise<Rollout> {
    for (;;) {
      const rollout = await this.get(rolloutId, brandId);
      if (rollout.status === 'aborted' || rollout.status === 'completed') {
        throw new RolloutRefusedError(
          'ROLLOUT_FINISHED',
          `rollout ${rolloutId} is ${rollout.status}`,
        );
      }
      if (await this.changeFrom(rollout, next(rollout))) return this.advance(rolloutId);
    }
  }

  private changeFrom(rollout: Rollout, change: Partial<RolloutChange>): Promise<boolean> {
    return this.deps.store.changeRollout(rollout.rolloutId, rollout.version, {
      stage: rollout.stage,
      status: rollout.status,
      abortReason: rollout.abortReason,
      updatedAt: this.deps.clock.now(),
      ...change,
    });
  }

  /**
   * Marks the rollout aborted (once), then withdraws every assignment no button has started.
   * Buttons that are downloading or switched keep going: the abort stops the spread, it does
   * not reach into a button mid-update.
   */
  private async abortNow(rolloutId: string, code: AbortReason['code'], by: Actor): Promise<void> {
    const { store, assigner, clock, log } = this.deps;
    for (;;) {
      const rollout = await this.get(rolloutId, null);
      if (rollout.status === 'completed') return;
      if (rollout.status !== 'aborted') {
        const counts = finishedOf(await store.tally(rolloutId));
        const abortReason: AbortReason = { code, ...counts, by };
        if (!(await this.changeFrom(rollout, { status: 'aborted', abortReason }))) continue;
        log.warn('rollout aborted', { rolloutId, code, ...counts });
      }
      break;
    }
    let cursor: string | undefined;
    do {
      const page = await store.listMembers(rolloutId, { limit: 100, cursor });
      for (const member of page.items) {
        if (member.state !== 'pending') continue;
        const withdrawn = await store.moveMember(rolloutId, member.deviceId, ['pending'], {
          state: 'cancelled',
          reason: 'ROLLOUT_ABORTED',
          updatedAt: clock.now(),
        });
        if (withdrawn) await assigner.cancel(member.deviceId, rolloutId);
      }
      cursor = page.cursor;
    } while (cursor);
  }

  /**
   * Assigns up to `count` more buttons, in rank order. The slot is claimed before the member is
   * written and the member before the button's assignment: a crash between leaves the stage
   * short of its share (the sweep tops it up), never over it.
   */
  private async assignMore(rollout: Rollout, count: number): Promise<number> {
    const { store, assigner, clock } = this.deps;
    const quota = quotaOf(rollout);
    const candidates = (await this.fleetOf(rollout.brandId))
      .map((deviceId) => ({ deviceId, rank: rankKey(rollout.rolloutId, deviceId) }))
      .sort((a, b) => (a.rank < b.rank ? -1 : 1));
    let assigned = 0;
    for (const { deviceId } of candidates) {
      if (assigned >= count) break;
      if (await store.getMember(rollout.rolloutId, deviceId)) continue;
      if (!(await store.claimSlot(rollout.rolloutId, quota))) break;
      const now = clock.now();
      const member: RolloutMember = {
        rolloutId: rollout.rolloutId,
        deviceId,
        stage: rollout.stage,
        state: 'pending',
        assignedAt: now,
        updatedAt: now,
      };
      if (!(await store.addMember(member))) {
        await store.releaseSlot(rollout.rolloutId);
        continue;
      }
      if (!(await assigner.assign(deviceId, rollout.rolloutId, rollout.fw))) {
        await store.removeMember(rollout.rolloutId, deviceId);
        await store.releaseSlot(rollout.rolloutId);
        continue;
      }
      assigned++;
    }
    return assigned;
  }

  private async fleetOf(brandId: string): Promise<string[]> {
    const ids: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await this.deps.fleet.listBrandButtons(brandId, { limit: FLEET_PAGE, cursor });
      for (const button of page.items) ids.push(button.deviceId);
      cursor = page.cursor;
    } while (cursor);
    return ids;
  }
}

/** Refuses a plan the engine could not follow. */
export function checkPlan(plan: RolloutPlan): void {
  const refuse = (message: string) => {
    throw new RolloutRefusedError('ROLLOUT_PLAN_INVALID', message, { plan });
  };
  const { stages, abort, autoWiden } = plan;
  if (stages.length === 0 || stages.length > 10) refuse('a plan has 1 to 10 stages');
  stages.forEach((percent, i) => {
    if (!Number.isInteger(percent) || percent < 1 || percent > 100) {
      refuse('each stage is a whole percent from 1 to 100');
    }
    if (i > 0 && percent <= (stages[i - 1] as number)) refuse('stages must grow');
  });
  if (!(abort.failurePct > 0 && abort.failurePct <= 100))
    refuse('failurePct is above 0 and at most 100');
  if (!Number.isInteger(abort.minFinished) || abort.minFinished < 1) {
    refuse('minFinished is a whole number of at least 1');
  }
  if (autoWiden && !(autoWiden.successPct >= 0 && autoWiden.successPct <= 100)) {
    refuse('successPct is from 0 to 100');
  }
}
