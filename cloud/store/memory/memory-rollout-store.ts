/** Rollouts and members on the memory table; the same contract suite as the DynamoDB adapter. */
import type { Page, PageRequest } from '../../core/page.ts';
import type { MemberState, Rollout, RolloutMember, Tally } from '../../core/rollouts/model.ts';
import { emptyTally } from '../../core/rollouts/model.ts';
import type { RolloutChange, RolloutStore } from '../../core/rollouts/rollout-store.ts';
import { timeKey } from '../dynamo/table-keys.ts';
import { byKey, pageOf } from './memory-page.ts';
import { clone, type MemoryTable } from './memory-table.ts';

const memberKey = (rolloutId: string, deviceId: string) => `${rolloutId}/${deviceId}`;
const isOpen = (rollout: Rollout) => rollout.status === 'active' || rollout.status === 'paused';

export class MemoryRolloutStore implements RolloutStore {
  constructor(private readonly table: MemoryTable) {}

  async createRollout(rollout: Rollout): Promise<boolean> {
    if (this.table.rollouts.has(rollout.rolloutId)) return false;
    this.table.rollouts.set(rollout.rolloutId, clone(rollout));
    return true;
  }

  async getRollout(rolloutId: string): Promise<Rollout | null> {
    const rollout = this.table.rollouts.get(rolloutId);
    return rollout ? clone(rollout) : null;
  }

  async changeRollout(
    rolloutId: string,
    expectedVersion: number,
    change: RolloutChange,
  ): Promise<boolean> {
    const rollout = this.table.rollouts.get(rolloutId);
    if (!rollout || rollout.version !== expectedVersion) return false;
    Object.assign(rollout, clone(change), { version: expectedVersion + 1 });
    return true;
  }

  async listRollouts(brandId: string, page: PageRequest): Promise<Page<Rollout>> {
    const sortKey = (r: Rollout) => `${timeKey(r.createdAt)}#${r.rolloutId}`;
    const mine = [...this.table.rollouts.values()].filter((r) => r.brandId === brandId);
    return pageOf(`rollouts/${brandId}`, mine.sort(byKey(sortKey)), sortKey, page, true);
  }

  async openRollouts(limit: number): Promise<Rollout[]> {
    return [...this.table.rollouts.values()]
      .filter(isOpen)
      .sort(byKey((r) => `${timeKey(r.createdAt)}#${r.rolloutId}`))
      .slice(0, limit)
      .map(clone);
  }

  async claimSlot(rolloutId: string, quota: number): Promise<boolean> {
    const rollout = this.table.rollouts.get(rolloutId);
    if (!rollout || rollout.assigned >= quota) return false;
    rollout.assigned++;
    return true;
  }

  async releaseSlot(rolloutId: string): Promise<void> {
    const rollout = this.table.rollouts.get(rolloutId);
    if (rollout && rollout.assigned > 0) rollout.assigned--;
  }

  async addMember(member: RolloutMember): Promise<boolean> {
    const key = memberKey(member.rolloutId, member.deviceId);
    if (this.table.rolloutMembers.has(key)) return false;
    this.table.rolloutMembers.set(key, clone(member));
    return true;
  }

  async removeMember(rolloutId: string, deviceId: string): Promise<void> {
    this.table.rolloutMembers.delete(memberKey(rolloutId, deviceId));
  }

  async getMember(rolloutId: string, deviceId: string): Promise<RolloutMember | null> {
    const member = this.table.rolloutMembers.get(memberKey(rolloutId, deviceId));
    return member ? clone(member) : null;
  }

  async moveMember(
    rolloutId: string,
    deviceId: string,
    from: MemberState[],
    next: Pick<RolloutMember, 'state' | 'reason' | 'block' | 'updatedAt'>,
  ): Promise<RolloutMember | null> {
    const member = this.table.rolloutMembers.get(memberKey(rolloutId, deviceId));
    if (!member || !from.includes(member.state)) return null;
    if (member.state === next.state && !((next.block ?? -1) > (member.block ?? -1))) return null;
    member.state = next.state;
    member.updatedAt = next.updatedAt;
    if (next.reason !== undefined) member.reason = next.reason;
    else delete member.reason;
    if (next.block !== undefined) member.block = next.block;
    return clone(member);
  }

  async listMembers(rolloutId: string, page: PageRequest): Promise<Page<RolloutMember>> {
    const members = this.membersOf(rolloutId);
    return pageOf(`members/${rolloutId}`, members, (m) => m.deviceId, page);
  }

  async tally(rolloutId: string): Promise<Tally> {
    const tally = emptyTally();
    for (const member of this.membersOf(rolloutId)) tally[member.state]++;
    return tally;
  }

  private membersOf(rolloutId: string): RolloutMember[] {
    return [...this.table.rolloutMembers.values()]
      .filter((m) => m.rolloutId === rolloutId)
      .sort(byKey((m) => m.deviceId));
  }
}
