/**
 * RolloutStore on the table: a rollout and its members share the rollout's partition, so the
 * members' tally is one query. A rollout sits in gsi2 under its brand (newest first) and, while
 * it is active or paused, in gsi3 under `ROLLOUTS` (the sweep's work list). Changes are
 * conditional updates: the record on its version, the counter below the quota, a member on the
 * states it may leave.
 */
import {
  DeleteCommand,
  GetCommand,
  PutCommand,
  QueryCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { StoreUnavailableError } from '../../core/errors.ts';
import type { Page, PageRequest } from '../../core/page.ts';
import {
  emptyTally,
  type MemberState,
  type Rollout,
  type RolloutMember,
  type Tally,
} from '../../core/rollouts/model.ts';
import type { RolloutChange, RolloutStore } from '../../core/rollouts/rollout-store.ts';
import { decodeKeyCursor, encodeCursor } from '../page-cursor.ts';
import { conditional, guarded, isConditionFailure } from './dynamo-errors.ts';
import { queryIndexItems } from './index-query.ts';
import type { Table } from './table.ts';
import { keys, timeKey } from './table-keys.ts';

const OPEN_PARTITION = 'ROLLOUTS';
const brandPartition = (brandId: string) => `BRAND#${brandId}#ROLLOUTS`;
const MEMBER_PREFIX = 'BTN#';
const isOpen = (status: Rollout['status']) => status === 'active' || status === 'paused';
const KEY_ATTRIBUTES = ['pk', 'sk', 'type', 'gsi2pk', 'gsi2sk', 'gsi3pk', 'gsi3sk'];

function strip<T>(item: Record<string, unknown>): T {
  const out = { ...item };
  for (const name of KEY_ATTRIBUTES) delete out[name];
  return out as T;
}

export class DynamoRolloutStore implements RolloutStore {
  constructor(private readonly table: Table) {}

  async createRollout(rollout: Rollout): Promise<boolean> {
    const order = `${timeKey(rollout.createdAt)}#${rollout.rolloutId}`;
    return conditional('createRollout', () =>
      this.table.doc.send(
        new PutCommand({
          TableName: this.table.name,
          Item: {
            ...keys.rollout(rollout.rolloutId),
            type: 'rollout',
            ...rollout,
            gsi2pk: brandPartition(rollout.brandId),
            gsi2sk: order,
            ...(isOpen(rollout.status) ? { gsi3pk: OPEN_PARTITION, gsi3sk: order } : {}),
          },
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      ),
    );
  }

  async getRollout(rolloutId: string): Promise<Rollout | null> {
    const item = await this.getItem('getRollout', keys.rollout(rolloutId));
    return item ? strip<Rollout>(item) : null;
  }

  async changeRollout(
    rolloutId: string,
    expectedVersion: number,
    change: RolloutChange,
  ): Promise<boolean> {
    // Leaving the open states takes the rollout off the sweep's index in the same write.
    const closing = !isOpen(change.status);
    return conditional('changeRollout', () =>
      this.table.doc.send(
        new UpdateCommand({
          TableName: this.table.name,
          Key: keys.rollout(rolloutId),
          UpdateExpression: `SET stage = :stage, #status = :status, abortReason = :abortReason, updatedAt = :updatedAt, version = :next${closing ? ' REMOVE gsi3pk, gsi3sk' : ''}`,
          ConditionExpression: 'version = :version',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: {
            ':stage': change.stage,
            ':status': change.status,
            ':abortReason': change.abortReason,
            ':updatedAt': change.updatedAt,
            ':version': expectedVersion,
            ':next': expectedVersion + 1,
          },
        }),
      ),
    );
  }

  async listRollouts(brandId: string, page: PageRequest): Promise<Page<Rollout>> {
    const gsi2pk = brandPartition(brandId);
    const out = await queryIndexItems(this.table, 'listRollouts', {
      IndexName: 'gsi2',
      KeyConditionExpression: 'gsi2pk = :pk',
      ExpressionAttributeValues: { ':pk': gsi2pk },
      ScanIndexForward: false,
      Limit: page.limit,
      ExclusiveStartKey: decodeKeyCursor(page.cursor, { gsi2pk }),
    });
    return { items: out.items.map(strip<Rollout>), cursor: encodeCursor(out.lastKey) };
  }

  async openRollouts(limit: number): Promise<Rollout[]> {
    const out = await queryIndexItems(this.table, 'openRollouts', {
      IndexName: 'gsi3',
      KeyConditionExpression: 'gsi3pk = :pk',
      ExpressionAttributeValues: { ':pk': OPEN_PARTITION },
      Limit: limit,
    });
    // The index is eventually consistent: it may still list a rollout that just finished.
    return out.items.map(strip<Rollout>).filter((r) => isOpen(r.status));
  }

  async claimSlot(rolloutId: string, quota: number): Promise<boolean> {
    return conditional('claimSlot', () =>
      this.table.doc.send(
        new UpdateCommand({
          TableName: this.table.name,
          Key: keys.rollout(rolloutId),
          UpdateExpression: 'ADD assigned :one',
          ConditionExpression: 'assigned < :quota',
          ExpressionAttributeValues: { ':one': 1, ':quota': quota },
        }),
      ),
    );
  }

  async releaseSlot(rolloutId: string): Promise<void> {
    await conditional('releaseSlot', () =>
      this.table.doc.send(
        new UpdateCommand({
          TableName: this.table.name,
          Key: keys.rollout(rolloutId),
          UpdateExpression: 'ADD assigned :minusOne',
          ConditionExpression: 'assigned > :zero',
          ExpressionAttributeValues: { ':minusOne': -1, ':zero': 0 },
        }),
      ),
    );
  }

  async addMember(member: RolloutMember): Promise<boolean> {
    return conditional('addMember', () =>
      this.table.doc.send(
        new PutCommand({
          TableName: this.table.name,
          Item: {
            ...keys.rolloutMember(member.rolloutId, member.deviceId),
            type: 'rolloutMember',
            ...member,
          },
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      ),
    );
  }

  async removeMember(rolloutId: string, deviceId: string): Promise<void> {
    await guarded('removeMember', () =>
      this.table.doc.send(
        new DeleteCommand({
          TableName: this.table.name,
          Key: keys.rolloutMember(rolloutId, deviceId),
        }),
      ),
    );
  }

  async getMember(rolloutId: string, deviceId: string): Promise<RolloutMember | null> {
    const item = await this.getItem('getMember', keys.rolloutMember(rolloutId, deviceId));
    return item ? strip<RolloutMember>(item) : null;
  }

  async moveMember(
    rolloutId: string,
    deviceId: string,
    from: MemberState[],
    next: Pick<RolloutMember, 'state' | 'reason' | 'block' | 'updatedAt'>,
  ): Promise<RolloutMember | null> {
    const values: Record<string, unknown> = {
      ':next': next.state,
      ':updatedAt': next.updatedAt,
      ':block': next.block ?? -1,
    };
    from.forEach((state, i) => {
      values[`:from${i}`] = state;
    });
    const sets = ['#state = :next', 'updatedAt = :updatedAt'];
    if (next.reason !== undefined) {
      sets.push('reason = :reason');
      values[':reason'] = next.reason;
    }
    if (next.block !== undefined) sets.push('#block = :block');
    const removes = next.reason === undefined ? ' REMOVE reason' : '';
    try {
      const out = await this.table.doc.send(
        new UpdateCommand({
          TableName: this.table.name,
          Key: keys.rolloutMember(rolloutId, deviceId),
          UpdateExpression: `SET ${sets.join(', ')}${removes}`,
          // A report in the state the member is already in moves it only to a later block.
          ConditionExpression: `attribute_exists(pk) AND #state IN (${from.map((_, i) => `:from${i}`).join(', ')}) AND (#state <> :next OR (attribute_exists(#block) AND #block < :block) OR (attribute_not_exists(#block) AND :block > :none))`,
          ExpressionAttributeNames: { '#state': 'state', '#block': 'block' },
          ExpressionAttributeValues: { ...values, ':none': -1 },
          ReturnValues: 'ALL_NEW',
        }),
      );
      return out.Attributes ? strip<RolloutMember>(out.Attributes) : null;
    } catch (error) {
      if (isConditionFailure(error)) return null;
      throw new StoreUnavailableError('moveMember', error);
    }
  }

  async listMembers(rolloutId: string, page: PageRequest): Promise<Page<RolloutMember>> {
    const { pk } = keys.rollout(rolloutId);
    const out = await guarded('listMembers', () =>
      this.table.doc.send(
        new QueryCommand({
          TableName: this.table.name,
          KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
          ExpressionAttributeValues: { ':pk': pk, ':prefix': MEMBER_PREFIX },
          Limit: page.limit,
          ExclusiveStartKey: decodeKeyCursor(page.cursor, { pk }),
          ConsistentRead: true,
        }),
      ),
    );
    return {
      items: (out.Items ?? []).map(strip<RolloutMember>),
      cursor: encodeCursor(out.LastEvaluatedKey),
    };
  }

  async tally(rolloutId: string): Promise<Tally> {
    const tally = emptyTally();
    const { pk } = keys.rollout(rolloutId);
    let start: Record<string, unknown> | undefined;
    do {
      const out = await guarded('tally', () =>
        this.table.doc.send(
          new QueryCommand({
            TableName: this.table.name,
            KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
            ExpressionAttributeValues: { ':pk': pk, ':prefix': MEMBER_PREFIX },
            ProjectionExpression: '#state',
            ExpressionAttributeNames: { '#state': 'state' },
            ExclusiveStartKey: start,
            ConsistentRead: true,
          }),
        ),
      );
      for (const item of out.Items ?? []) tally[item.state as MemberState]++;
      start = out.LastEvaluatedKey;
    } while (start);
    return tally;
  }

  private async getItem(operation: string, key: Record<string, string>) {
    const out = await guarded(operation, () =>
      this.table.doc.send(
        new GetCommand({ TableName: this.table.name, Key: key, ConsistentRead: true }),
      ),
    );
    return out.Item ?? null;
  }
}
