/** The port for a household's notifications (newest first) and where they are announced. */
import type { Page, PageRequest } from '../page.ts';
import type { Subscription } from './subscriptions.ts';
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
  /**
   * Writes each notification, unconditionally: one written again under its id (its event's)
   * stays one. Fails as a whole when any could not be written; some may be written by then.
   */
  addNotifications(notifications: readonly Notification[]): Promise<void>;
  listNotifications(householdId: string, page: PageRequest): Promise<Page<Notification>>;
  /** Erasure; returns how many were deleted. */
  deleteNotifications(householdId: string): Promise<number>;
  putSubscription(subscription: Subscription): Promise<void>;
  /** Oldest first; a household has only a handful (MAX_SUBSCRIPTIONS). */
  listSubscriptions(householdId: string): Promise<Subscription[]>;
  deleteSubscription(householdId: string, subscriptionId: string): Promise<void>;
}
