/**
 * DynamoDB adapter for ReminderStore: the timers are the button items' entries in gsi3's
 * `REMIND` partition (table-keys.ts); the reminder is a notification item whose key the
 * reminder id fixes, written on the condition that it does not exist.
 */
import { GetCommand, PutCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { Notification } from '../../core/notifications/notification-store.ts';
import type {
  ReminderContext,
  ReminderStore,
  ReminderTimer,
} from '../../core/reminders/reminder-store.ts';
import { fromButtonItem } from './button-item.ts';
import { conditional, guarded } from './dynamo-errors.ts';
import { fromSkuItem } from './sku-item.ts';
import type { Table } from './table.ts';
import { keys, REMINDER_PARTITION, reminderKey, timeKey } from './table-keys.ts';

export class DynamoReminderStore implements ReminderStore {
  constructor(private readonly table: Table) {}

  async listDueReminders(before: number, limit: number): Promise<ReminderTimer[]> {
    const out = await guarded('listDueReminders', () =>
      this.table.doc.send(
        new QueryCommand({
          TableName: this.table.name,
          IndexName: 'gsi3',
          KeyConditionExpression: 'gsi3pk = :pk AND gsi3sk <= :before',
          ExpressionAttributeValues: {
            ':pk': REMINDER_PARTITION,
            ':before': `${timeKey(before)}#~`,
          },
          Limit: limit,
        }),
      ),
    );
    return (out.Items ?? []).map((item) => timerOf(String(item.gsi3sk)));
  }

  async loadReminder(deviceId: string): Promise<ReminderContext | null> {
    const { Item } = await guarded('loadReminder', () =>
      this.table.doc.send(
        new GetCommand({
          TableName: this.table.name,
          Key: keys.button(deviceId),
          ConsistentRead: true,
        }),
      ),
    );
    if (!Item) return null;
    const button = fromButtonItem(Item);
    const timerAt = Item.gsi3pk === REMINDER_PARTITION ? timerOf(String(Item.gsi3sk)).at : null;
    const skuId = button.settings.skuId;
    if (skuId === null) return { button, sku: null, timerAt };
    const sku = await guarded('loadReminder', () =>
      this.table.doc.send(
        new GetCommand({ TableName: this.table.name, Key: keys.sku(button.brandId, skuId) }),
      ),
    );
    return { button, sku: sku.Item ? fromSkuItem(sku.Item) : null, timerAt };
  }

  moveReminder(deviceId: string, from: number, to: number | null): Promise<boolean> {
    const values: Record<string, unknown> = {
      ':pk': REMINDER_PARTITION,
      ':from': reminderKey(from, deviceId),
    };
    if (to !== null) values[':to'] = reminderKey(to, deviceId);
    return conditional('moveReminder', () =>
      this.table.doc.send(
        new UpdateCommand({
          TableName: this.table.name,
          Key: keys.button(deviceId),
          UpdateExpression: to === null ? 'REMOVE gsi3pk, gsi3sk' : 'SET gsi3sk = :to',
          ConditionExpression: 'gsi3pk = :pk AND gsi3sk = :from',
          ExpressionAttributeValues: values,
        }),
      ),
    );
  }

  addReminder(notification: Notification): Promise<boolean> {
    const key = keys.notification(
      notification.householdId,
      notification.at,
      notification.notificationId,
    );
    return conditional('addReminder', () =>
      this.table.doc.send(
        new PutCommand({
          TableName: this.table.name,
          Item: { ...key, type: 'notification', ...notification },
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      ),
    );
  }
}

/** `{at:013}#{device}` → the timer (device ids may hold `#`: only the first one separates). */
function timerOf(sortKey: string): ReminderTimer {
  const at = sortKey.indexOf('#');
  return { at: Number(sortKey.slice(0, at)), deviceId: sortKey.slice(at + 1) };
}
