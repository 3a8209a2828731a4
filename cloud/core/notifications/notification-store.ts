/** The port for a household's notifications (newest first). */
import type { Page, PageRequest } from '../page.ts';
import type { Texts } from './texts.ts';

export interface Notification {
  householdId: string;
  notificationId: string;
  at: number;
  kind: string;
  orderId: string | null;
  /** The English text (kept for readers that know no other language). */
  message: string;
  /** The same message in every console language; absent on notifications written before. */
  texts?: Texts;
}

export interface NotificationStore {
  addNotification(notification: Notification): Promise<void>;
  listNotifications(householdId: string, page: PageRequest): Promise<Page<Notification>>;
  /** Erasure; returns how many were deleted. */
  deleteNotifications(householdId: string): Promise<number>;
}
