import type {
  Notification,
  NotificationStore,
} from '../../core/notifications/notification-store.ts';
import type { Page, PageRequest } from '../../core/page.ts';
import { timeKey } from '../dynamo/table-keys.ts';
import { byKey, pageOf } from './memory-page.ts';
import type { MemoryTable } from './memory-table.ts';

const sortKey = (n: Notification) => `${timeKey(n.at)}#${n.notificationId}`;

export class MemoryNotificationStore implements NotificationStore {
  constructor(private readonly table: MemoryTable) {}

  async addNotification(notification: Notification): Promise<void> {
    const same = (n: Notification) =>
      n.householdId === notification.householdId && sortKey(n) === sortKey(notification);
    const at = this.table.notifications.findIndex(same);
    if (at >= 0) this.table.notifications.splice(at, 1);
    this.table.notifications.push({ ...notification });
  }

  async listNotifications(householdId: string, page: PageRequest): Promise<Page<Notification>> {
    const mine = this.table.notifications.filter((n) => n.householdId === householdId);
    return pageOf(householdId, mine.sort(byKey(sortKey)), sortKey, page, true);
  }

  async deleteNotifications(householdId: string): Promise<number> {
    const before = this.table.notifications.length;
    const kept = this.table.notifications.filter((n) => n.householdId !== householdId);
    this.table.notifications.splice(0, this.table.notifications.length, ...kept);
    return before - kept.length;
  }
}
