import type {
  Notification,
  NotificationStore,
} from '../../core/notifications/notification-store.ts';
import type { Subscription } from '../../core/notifications/subscriptions.ts';
import type { Page, PageRequest } from '../../core/page.ts';
import { timeKey } from '../dynamo/table-keys.ts';
import { byKey, pageOf } from './memory-page.ts';
import type { MemoryTable } from './memory-table.ts';

const sortKey = (n: Notification) => `${timeKey(n.at)}#${n.notificationId}`;

export class MemoryNotificationStore implements NotificationStore {
  constructor(private readonly table: MemoryTable) {}

  async addNotifications(notifications: readonly Notification[]): Promise<void> {
    for (const notification of notifications) {
      const same = (n: Notification) =>
        n.householdId === notification.householdId && sortKey(n) === sortKey(notification);
      const at = this.table.notifications.findIndex(same);
      if (at >= 0) this.table.notifications.splice(at, 1);
      this.table.notifications.push({ ...notification });
    }
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

  async putSubscription(subscription: Subscription): Promise<void> {
    await this.deleteSubscription(subscription.householdId, subscription.subscriptionId);
    this.table.subscriptions.push({ ...subscription });
  }

  async listSubscriptions(householdId: string): Promise<Subscription[]> {
    return this.table.subscriptions
      .filter((s) => s.householdId === householdId)
      .sort((a, b) => a.createdAt - b.createdAt || a.subscriptionId.localeCompare(b.subscriptionId))
      .map((s) => ({ ...s }));
  }

  async deleteSubscription(householdId: string, subscriptionId: string): Promise<void> {
    const at = this.table.subscriptions.findIndex(
      (s) => s.householdId === householdId && s.subscriptionId === subscriptionId,
    );
    if (at >= 0) this.table.subscriptions.splice(at, 1);
  }
}
