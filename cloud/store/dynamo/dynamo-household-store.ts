/** DynamoDB adapter for HouseholdStore (keys.household). */
import { DeleteCommand, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import type { HouseholdStore } from '../../core/households/household-store.ts';
import type { Household, HouseholdGuardSettings } from '../../core/model.ts';
import { guarded } from './dynamo-errors.ts';
import type { Table } from './table.ts';
import { keys } from './table-keys.ts';

export class DynamoHouseholdStore implements HouseholdStore {
  constructor(private readonly table: Table) {}

  async getHousehold(householdId: string): Promise<Household | null> {
    const { Item } = await guarded('getHousehold', () =>
      this.table.doc.send(
        new GetCommand({ TableName: this.table.name, Key: keys.household(householdId) }),
      ),
    );
    if (!Item) return null;
    const { pk: _pk, sk: _sk, type: _type, ...household } = Item;
    return household as Household;
  }

  async putHousehold(household: Household): Promise<void> {
    await guarded('putHousehold', () =>
      this.table.doc.send(
        new PutCommand({
          TableName: this.table.name,
          Item: { ...keys.household(household.householdId), type: 'household', ...household },
        }),
      ),
    );
  }

  async deleteHousehold(householdId: string): Promise<void> {
    for (const key of [keys.household(householdId), keys.householdGuard(householdId)]) {
      await guarded('deleteHousehold', () =>
        this.table.doc.send(new DeleteCommand({ TableName: this.table.name, Key: key })),
      );
    }
  }

  async getGuardSettings(householdId: string): Promise<HouseholdGuardSettings | null> {
    const { Item } = await guarded('getGuardSettings', () =>
      this.table.doc.send(
        new GetCommand({
          TableName: this.table.name,
          Key: keys.householdGuard(householdId),
          ConsistentRead: true,
        }),
      ),
    );
    if (!Item) return null;
    return {
      timeZone: Item.timeZone as string,
      quietHours: (Item.quietHours as HouseholdGuardSettings['quietHours']) ?? null,
      learnRhythm: Item.learnRhythm as boolean,
    };
  }

  async putGuardSettings(householdId: string, settings: HouseholdGuardSettings): Promise<void> {
    await guarded('putGuardSettings', () =>
      this.table.doc.send(
        new PutCommand({
          TableName: this.table.name,
          Item: { ...keys.householdGuard(householdId), type: 'householdGuard', ...settings },
        }),
      ),
    );
  }
}
