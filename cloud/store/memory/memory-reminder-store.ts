/** ReminderStore on the MemoryTable, with the same conditions as DynamoReminderStore. */
import type { Notification } from '../../core/notifications/notification-store.ts';
import type {
  ReminderContext,
  ReminderStore,
  ReminderTimer,
} from '../../core/reminders/reminder-store.ts';
import { timeKey } from '../dynamo/table-keys.ts';
import { clone, type MemoryTable, skuKey } from './memory-table.ts';

export class MemoryReminderStore implements ReminderStore {
  constructor(private readonly table: MemoryTable) {}

  async listDueReminders(before: number, limit: number): Promise<ReminderTimer[]> {
    return [...this.table.reminderTimers]
      .filter(([, at]) => at <= before)
      .map(([deviceId, at]) => ({ deviceId, at }))
      .sort((a, b) => a.at - b.at || a.deviceId.localeCompare(b.deviceId))
      .slice(0, limit);
  }

  async loadReminder(deviceId: string): Promise<ReminderContext | null> {
    const record = this.table.buttons.get(deviceId);
    if (!record) return null;
    const { claimHash: _claimHash, ...button } = clone(record);
    const skuId = button.settings.skuId;
    const sku = skuId === null ? undefined : this.table.skus.get(skuKey(button.brandId, skuId));
    return {
      button,
      sku: sku ? clone(sku) : null,
      timerAt: this.table.reminderTimers.get(deviceId) ?? null,
    };
  }

  async moveReminder(deviceId: string, from: number, to: number | null): Promise<boolean> {
    if (this.table.reminderTimers.get(deviceId) !== from) return false;
    if (to === null) this.table.reminderTimers.delete(deviceId);
    else this.table.reminderTimers.set(deviceId, to);
    return true;
  }

  async addReminder(notification: Notification): Promise<boolean> {
    const key = (n: Notification) => `${n.householdId}/${timeKey(n.at)}#${n.notificationId}`;
    if (this.table.notifications.some((n) => key(n) === key(notification))) return false;
    this.table.notifications.push(clone(notification));
    return true;
  }
}
