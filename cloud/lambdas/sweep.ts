/**
 * Sweep Lambda: on an EventBridge schedule, confirms orders past their cancel window, expires
 * unconfirmed ones, sends the next-need reminders that fell due, and looks at the buttons whose
 * silence check is due (the same core code as the local stack's sweep).
 */
import type { HealthSweepResult } from '../core/health/fleet-health.ts';
import type { SweepResult } from '../core/orders/order-service.ts';
import type { ReminderSweepResult } from '../core/reminders/reminders.ts';
import { awsServices } from './aws/services.ts';

const services = awsServices('restock-sweep');

export async function handler(): Promise<SweepResult & ReminderSweepResult & HealthSweepResult> {
  const result = {
    ...(await services.orders.sweep()),
    ...(await services.reminders.sweep()),
    ...(await services.health.sweep()),
  };
  services.log.info('sweep finished', { ...result });
  return result;
}
