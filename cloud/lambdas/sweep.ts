/**
 * Sweep Lambda: on an EventBridge schedule, confirms orders past their cancel window, expires
 * unconfirmed ones, and sends the next-need reminders that fell due.
 */
import type { SweepResult } from '../core/orders/order-service.ts';
import type { ReminderSweepResult } from '../core/reminders/reminders.ts';
import { awsServices } from './aws/services.ts';

const services = awsServices('restock-sweep');

export async function handler(): Promise<SweepResult & ReminderSweepResult> {
  const result = { ...(await services.orders.sweep()), ...(await services.reminders.sweep()) };
  services.log.info('sweep finished', { ...result });
  return result;
}
