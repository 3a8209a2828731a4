/** The port for a household's notifications (newest first). */
import type { Page, PageRequest } from '../page.ts';

export interface Notification {
  householdId: string;
  notificationId: string;
  at: number;
  kind: string;
  orderId: string | null;
  message: string;
}

export interface NotificationStore {
  addNotification(notification: Notification): Promise<void>;
  listNotifications(householdId: string, page: PageRequest): Promise<Page<Notification>>;
  /** Erasure; returns how many were deleted. */
  deleteNotifications(householdId: string): Promise<number>;
}
