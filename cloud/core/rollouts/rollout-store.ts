/**
 * Where rollouts and their members live. Every change that two sweeps or two report handlers
 * could race on is conditional: the rollout record changes only from the version read, the
 * assignment counter rises only below the stage's quota, a member is created once and moves
 * only from the states its new state may follow.
 */
import type { Page, PageRequest } from '../page.ts';
import type { MemberState, Rollout, RolloutMember, Tally } from './model.ts';

/** The fields a status or stage change rewrites (never the assignment counter). */
export type RolloutChange = Pick<Rollout, 'stage' | 'status' | 'abortReason' | 'updatedAt'>;

export interface RolloutStore {
  /** False when the id exists. */
  createRollout(rollout: Rollout): Promise<boolean>;
  getRollout(rolloutId: string): Promise<Rollout | null>;
  /** Applies `change` and raises the version if the record is still at `expectedVersion`. */
  changeRollout(
    rolloutId: string,
    expectedVersion: number,
    change: RolloutChange,
  ): Promise<boolean>;
  /** Newest first. */
  listRollouts(brandId: string, page: PageRequest): Promise<Page<Rollout>>;
  /** Rollouts still active or paused (the sweep's work list), oldest first. */
  openRollouts(limit: number): Promise<Rollout[]>;
  /** Raises `assigned` by one if it is below `quota`; false when the stage is full. */
  claimSlot(rolloutId: string, quota: number): Promise<boolean>;
  /** Gives back a slot claimed for a member that was not created. */
  releaseSlot(rolloutId: string): Promise<void>;
  /** False when the button is a member already. */
  addMember(member: RolloutMember): Promise<boolean>;
  /** Removes a member that never got its assignment (the button was busy with another update). */
  removeMember(rolloutId: string, deviceId: string): Promise<void>;
  getMember(rolloutId: string, deviceId: string): Promise<RolloutMember | null>;
  /**
   * Moves the member to `next` if it is in one of `from` (and, for a state it is already in,
   * only to a later `block`); returns the member after the change, or null when nothing changed.
   * The reason is the new state's (none when `next` has none).
   */
  moveMember(
    rolloutId: string,
    deviceId: string,
    from: MemberState[],
    next: Pick<RolloutMember, 'state' | 'reason' | 'block' | 'updatedAt'>,
  ): Promise<RolloutMember | null>;
  /** By device id. */
  listMembers(rolloutId: string, page: PageRequest): Promise<Page<RolloutMember>>;
  /** The members counted by state. */
  tally(rolloutId: string): Promise<Tally>;
}
