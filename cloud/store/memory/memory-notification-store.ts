import type {
  Notification,
  NotificationStore,
} from '../../core/notifications/notification-store.ts';
import type { Subscription } from '../../core/notifications/subscriptions.ts';
import type { Page, PageRequest } from '../../core/page.ts';
import { timeKey } from '../dynamo/table-keys.ts';
import { byKey, pageOf } from './memory-page.ts';

const sortKey = (n: Notification) => `${timeKey(n.at)}#${n.notificationId}`;

export class MemoryNotificationStore implements NotificationStore {
  readonly notifications: Notification[] = [];
  readonly subscriptions: Subscription[] = [];

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

  async putSubscription(subscription: Subscription): Promise<void> {
    await this.deleteSubscription(subscription.householdId, subscription.subscriptionId);
    this.subscriptions.push({ ...subscription });
  }

  async listSubscriptions(householdId: string): Promise<Subscription[]> {
    return this.subscriptions
      .filter((s) => s.householdId === householdId)
      .sort((a, b) => a.createdAt - b.createdAt || a.subscriptionId.localeCompare(b.subscriptionId))
      .map((s) => ({ ...s }));
  }

  async deleteSubscription(householdId: string, subscriptionId: string): Promise<void> {
    const at = this.subscriptions.findIndex(
      (s) => s.householdId === householdId && s.subscriptionId === subscriptionId,
    );
    if (at >= 0) this.subscriptions.splice(at, 1);
  }
}
