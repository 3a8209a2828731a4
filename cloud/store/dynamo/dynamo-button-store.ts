/**
 * DynamoDB adapter for the API's side of the button item. Created once with toButtonItem
 * (plus the claim-code hash); afterwards only SET/REMOVE on attributes the API owns, so the
 * press path's attributes (hwm, open, recent...) are never overwritten.
 */
import { GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import {
  type AssignResult,
  type ButtonOwner,
  type ButtonStore,
  HOUSEHOLD_RESET,
  isOwner,
  type SettingsPatch,
} from '../../core/fleet/button-store.ts';
import type { Button } from '../../core/model.ts';
import type { Page, PageRequest } from '../../core/page.ts';
import { decodeKeyCursor, encodeCursor } from '../page-cursor.ts';
import { fromButtonItem, householdIndexKeys, toButtonItem } from './button-item.ts';
import { conditional, guarded, isConditionFailure } from './dynamo-errors.ts';
import { queryIndexItems } from './index-query.ts';
import type { Table } from './table.ts';
import { keys } from './table-keys.ts';

export class DynamoButtonStore implements ButtonStore {
  constructor(private readonly table: Table) {}

  createButton(button: Button, claimHash: string): Promise<boolean> {
    return conditional('createButton', () =>
      this.table.doc.send(
        new PutCommand({
          TableName: this.table.name,
          Item: { ...toButtonItem(button), claimHash },
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      ),
    );
  }

  async getButton(deviceId: string): Promise<Button | null> {
    const { Item } = await guarded('getButton', () =>
      this.table.doc.send(
        new GetCommand({ TableName: this.table.name, Key: keys.button(deviceId) }),
      ),
    );
    return Item ? toButton(Item) : null;
  }

  listBrandButtons(brandId: string, page: PageRequest): Promise<Page<Button>> {
    return this.queryIndex('gsi2', `BRAND#${brandId}`, page);
  }

  listHouseholdButtons(householdId: string, page: PageRequest): Promise<Page<Button>> {
    return this.queryIndex('gsi1', householdIndexKeys(householdId, '').gsi1pk, page);
  }

  async patchSettings(
    deviceId: string,
    owner: ButtonOwner,
    patch: SettingsPatch,
  ): Promise<boolean> {
    const entries = Object.entries(patch).filter(([, value]) => value !== undefined);
    if (entries.length === 0) {
      const button = await this.getButton(deviceId);
      return button !== null && isOwner(owner, button);
    }
    const names: Record<string, string> = { '#settings': 'settings' };
    const values: Record<string, unknown> = {};
    const sets = entries.map(([field, value], i) => {
      names[`#f${i}`] = field;
      values[`:v${i}`] = value;
      return `#settings.#f${i} = :v${i}`;
    });
    const condition = ownerCondition(owner, values);
    return conditional('patchSettings', () =>
      this.table.doc.send(
        new UpdateCommand({
          TableName: this.table.name,
          Key: keys.button(deviceId),
          UpdateExpression: `SET ${sets.join(', ')}`,
          ConditionExpression: condition,
          ExpressionAttributeNames: names,
          ExpressionAttributeValues: values,
        }),
      ),
    );
  }

  async assignHousehold(deviceId: string, householdId: string): Promise<AssignResult> {
    const assigned = await conditional('assignHousehold', () =>
      this.table.doc.send(
        new UpdateCommand({
          TableName: this.table.name,
          Key: keys.button(deviceId),
          UpdateExpression: 'SET householdId = :hh, gsi1pk = :gpk, gsi1sk = :gsk',
          ConditionExpression:
            'attribute_exists(pk) AND (attribute_not_exists(householdId) OR householdId = :nobody)',
          ExpressionAttributeValues: {
            ':hh': householdId,
            ':nobody': null,
            ':gpk': householdIndexKeys(householdId, deviceId).gsi1pk,
            ':gsk': householdIndexKeys(householdId, deviceId).gsi1sk,
          },
        }),
      ),
    );
    if (assigned) return 'assigned';
    const button = await this.getButton(deviceId);
    if (!button) return 'missing';
    return button.householdId === householdId ? 'already-yours' : 'taken';
  }

  async releaseHousehold(
    deviceId: string,
    householdId: string,
  ): Promise<string | null | undefined> {
    const names: Record<string, string> = { '#settings': 'settings' };
    const values: Record<string, unknown> = { ':hh': householdId, ':nobody': null };
    const sets = Object.entries(HOUSEHOLD_RESET).map(([field, value], i) => {
      names[`#f${i}`] = field;
      values[`:v${i}`] = value;
      return `#settings.#f${i} = :v${i}`;
    });
    try {
      const out = await this.table.doc.send(
        new UpdateCommand({
          TableName: this.table.name,
          Key: keys.button(deviceId),
          UpdateExpression: `SET householdId = :nobody, ${sets.join(', ')} REMOVE gsi1pk, gsi1sk, gsi3pk, gsi3sk, claimHash, rhythm`,
          ConditionExpression: 'householdId = :hh',
          ExpressionAttributeNames: names,
          ExpressionAttributeValues: values,
          ReturnValues: 'ALL_OLD',
        }),
      );
      return (out.Attributes?.claimHash as string | undefined) ?? null;
    } catch (error) {
      if (isConditionFailure(error)) return undefined;
      return guarded('releaseHousehold', () => Promise.reject(error));
    }
  }

  forgetRhythm(deviceId: string, householdId: string): Promise<boolean> {
    return conditional('forgetRhythm', () =>
      this.table.doc.send(
        new UpdateCommand({
          TableName: this.table.name,
          Key: keys.button(deviceId),
          UpdateExpression: 'REMOVE rhythm, gsi3pk, gsi3sk',
          ConditionExpression: 'householdId = :hh',
          ExpressionAttributeValues: { ':hh': householdId },
        }),
      ),
    );
  }

  markTest(deviceId: string, brandId: string, test: boolean): Promise<boolean> {
    return conditional('markTest', () =>
      this.table.doc.send(
        new UpdateCommand({
          TableName: this.table.name,
          Key: keys.button(deviceId),
          UpdateExpression: test ? 'SET test = :yes' : 'REMOVE test',
          ConditionExpression: 'brandId = :brand',
          ExpressionAttributeValues: test
            ? { ':brand': brandId, ':yes': true }
            : { ':brand': brandId },
        }),
      ),
    );
  }

  private async queryIndex(
    index: 'gsi1' | 'gsi2',
    partition: string,
    page: PageRequest,
  ): Promise<Page<Button>> {
    const start = decodeKeyCursor(page.cursor, { [`${index}pk`]: partition });
    const out = await queryIndexItems(this.table, 'listButtons', {
      IndexName: index,
      KeyConditionExpression: `${index}pk = :pk AND begins_with(${index}sk, :btn)`,
      ExpressionAttributeValues: { ':pk': partition, ':btn': 'BTN#' },
      Limit: page.limit,
      ExclusiveStartKey: start,
    });
    return { items: out.items.map(toButton), cursor: encodeCursor(out.lastKey) };
  }
}

function toButton(item: Record<string, unknown>): Button {
  const { recent: _recent, ...button } = fromButtonItem(item);
  return button;
}

function ownerCondition(owner: ButtonOwner, values: Record<string, unknown>): string {
  if (owner === 'any') return 'attribute_exists(pk)';
  if ('brandId' in owner) {
    values[':owner'] = owner.brandId;
    return 'brandId = :owner';
  }
  values[':owner'] = owner.householdId;
  return 'householdId = :owner';
}
