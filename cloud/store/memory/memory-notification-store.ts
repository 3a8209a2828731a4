import type {
  Notification,
  NotificationStore,
} from '../../core/notifications/notification-store.ts';
import type { Page, PageRequest } from '../../core/page.ts';
import { timeKey } from '../dynamo/table-keys.ts';
import { byKey, pageOf } from './memory-page.ts';

const sortKey = (n: Notification) => `${timeKey(n.at)}#${n.notificationId}`;

export class MemoryNotificationStore implements NotificationStore {
  readonly notifications: Notification[] = [];

  async addNotification(notification: Notification): Promise<void> {
    const same = (n: Notification) =>
      n.householdId === notification.householdId && sortKey(n) === sortKey(notification);
    const at = this.notifications.findIndex(same);
    if (at >= 0) this.notifications.splice(at, 1);
    this.notifications.push({ ...notification });
  }

  async listNotifications(householdId: string, page: PageRequest): Promise<Page<Notification>> {
    const mine = this.notifications.filter((n) => n.householdId === householdId);
    return pageOf(householdId, mine.sort(byKey(sortKey)), sortKey, page, true);
  }

  async deleteNotifications(householdId: string): Promise<number> {
    const before = this.notifications.length;
    const kept = this.notifications.filter((n) => n.householdId !== householdId);
    this.notifications.splice(0, this.notifications.length, ...kept);
    return before - kept.length;
  }
}
