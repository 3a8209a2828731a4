/**
 * The next-need reminder: when the date the household will probably need its product again
 * passes without a new order, a household that opted in gets one notification — exactly once
 * per next-need date, whether the sweep runs twice at once or dies between its writes.
 *
 * How: the timer of a button sits at the time its rhythm last changed. The sweep, when a timer
 * is due, recomputes the next-need date from the button as it is now and moves the timer to
 * that date; only a timer that was moved to the date and reached it reminds. The notification's
 * id derives from button, SKU and date (a conditional write: a second attempt finds it), and the
 * timer is removed only after it.
 */
import { DAY_MS, nextNeedAt } from '../guard/rhythm.ts';
import type { Notification } from '../notifications/notification-store.ts';
import { reminderTexts } from '../notifications/texts.ts';
import type { Clock, Log } from '../ports.ts';
import type { ReminderContext, ReminderStore, ReminderTimer } from './reminder-store.ts';

export const REMINDER_KIND = 'ReminderDue';
const BATCH = 100;

export interface ReminderSweepResult {
  reminded: number;
}

/** The notification id of the reminder for one button, SKU and next-need date. */
export function reminderId(deviceId: string, skuId: string, dueAt: number): string {
  return `due-${deviceId}-${skuId}-${dueAt}`;
}

export class Reminders {
  constructor(private readonly deps: { store: ReminderStore; clock: Clock; log: Log }) {}

  async sweep(): Promise<ReminderSweepResult> {
    const result: ReminderSweepResult = { reminded: 0 };
    for (;;) {
      const now = this.deps.clock.now();
      const due = await this.deps.store.listDueReminders(now, BATCH);
      let progressed = 0;
      for (const timer of due) {
        const step = await this.visit(timer, now);
        if (step === 'stale') continue;
        progressed++;
        if (step === 'reminded') result.reminded++;
      }
      if (due.length < BATCH || progressed === 0) return result;
    }
  }

  private async visit(timer: ReminderTimer, now: number): Promise<'reminded' | 'moved' | 'stale'> {
    const { store } = this.deps;
    const context = await store.loadReminder(timer.deviceId);
    if (!context || context.timerAt !== timer.at) return 'stale';
    const move = async (to: number | null) =>
      (await store.moveReminder(timer.deviceId, timer.at, to)) ? 'moved' : 'stale';
    const next = nextNeedOf(context);
    if (next === null) return move(null);
    if (next.nextAt > now) return move(next.nextAt);
    // The date passed before the timer was set for it (e.g. a late delivery): no reminder.
    if (next.nextAt !== timer.at) return move(null);
    let reminded = false;
    if (wantsReminder(context, next.lastOrderAt)) {
      reminded = await store.addReminder(reminderFor(context, next, now));
      if (reminded) {
        this.deps.log.info('next-need reminder', {
          deviceId: timer.deviceId,
          householdId: context.button.householdId,
          dueAt: next.nextAt,
        });
      }
    }
    const moved = await move(null);
    return reminded ? 'reminded' : moved;
  }
}

interface NextNeed {
  skuId: string;
  nextAt: number;
  lastOrderAt: number;
  usualIntervalDays: number;
}

/** The next-need date of the button's bound SKU as the household sees it, or null. */
function nextNeedOf({ button, sku }: ReminderContext): NextNeed | null {
  const skuId = button.settings.skuId;
  if (button.householdId === null || skuId === null || !button.settings.learnRhythm) return null;
  if (sku === null || sku.retired) return null;
  const hint = nextNeedAt(button.rhythm[skuId], sku.usualIntervalDays ?? null);
  if (hint === null) return null;
  return {
    skuId,
    nextAt: hint.nextAt,
    lastOrderAt: hint.lastOrderAt,
    usualIntervalDays: Math.max(1, Math.round(hint.estimate.intervalMs / DAY_MS)),
  };
}

/**
 * Opted in, and nothing happened since the last order: no order of the SKU open, none
 * cancelled after it.
 */
function wantsReminder({ button }: ReminderContext, lastOrderAt: number): boolean {
  const skuId = button.settings.skuId as string;
  if (!button.settings.remindWhenDue) return false;
  if (button.open.some((order) => order.skuId === skuId)) return false;
  const cancelledAt = button.rhythm[skuId]?.lastCancelledAt ?? null;
  return cancelledAt === null || cancelledAt <= lastOrderAt;
}

function reminderFor(context: ReminderContext, next: NextNeed, now: number): Notification {
  const texts = reminderTexts({
    name: context.sku?.name ?? next.skuId,
    usualIntervalDays: next.usualIntervalDays,
    daysSinceLast: Math.max(0, Math.floor((now - next.lastOrderAt) / DAY_MS)),
  });
  return {
    householdId: context.button.householdId as string,
    notificationId: reminderId(context.button.deviceId, next.skuId, next.nextAt),
    at: next.nextAt,
    kind: REMINDER_KIND,
    orderId: null,
    message: texts.en,
    texts,
  };
}
