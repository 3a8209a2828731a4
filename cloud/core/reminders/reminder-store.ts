/**
 * The port the next-need reminder works through. A button whose rhythm changed carries a
 * timer (a sparse index entry keyed by time): first the time the rhythm changed, then — once
 * the sweep has looked — the next-need date itself. The sweep reads only the timers that are
 * due, never the whole table. Adapters: DynamoReminderStore and MemoryReminderStore, both run
 * the same contract suite.
 */
import type { Sku } from '../model.ts';
import type { Notification } from '../notifications/notification-store.ts';
import type { LoadedButton } from '../press/press-store.ts';

export interface ReminderTimer {
  deviceId: string;
  at: number;
}

export interface ReminderContext {
  button: LoadedButton;
  /** The SKU the button's SINGLE press orders, or null when unbound or gone. */
  sku: Sku | null;
  /** The button's timer as stored now, or null when it has none. */
  timerAt: number | null;
}

export interface ReminderStore {
  /** Timers at or before `before`, oldest first. */
  listDueReminders(before: number, limit: number): Promise<ReminderTimer[]>;
  /** The button (read consistently), its bound SKU and its timer; null when the button is gone. */
  loadReminder(deviceId: string): Promise<ReminderContext | null>;
  /**
   * Moves the button's timer from `from` to `to` (null removes it), on the condition that it is
   * still at `from`; false when it had moved meanwhile.
   */
  moveReminder(deviceId: string, from: number, to: number | null): Promise<boolean>;
  /** Writes the reminder notification unless one with its id exists; false when it existed. */
  addReminder(notification: Notification): Promise<boolean>;
}

/**
 * When a closed order (re)arms the button's reminder timer: a delivered order the household's
 * rhythm learned from, at the time it was delivered. Null when the rhythm did not change.
 */
export function reminderArmedAt(
  order: { status: string; history: readonly { at: number }[] },
  learning: boolean,
): number | null {
  if (order.status !== 'DELIVERED' || !learning) return null;
  return order.history[order.history.length - 1]?.at ?? null;
}
