/** Sweep Lambda: on an EventBridge schedule, confirms orders past their cancel window. */
import type { SweepResult } from '../core/orders/order-service.ts';
import { awsServices } from './aws/services.ts';

const services = awsServices('restock-sweep');

export async function handler(): Promise<SweepResult> {
  const result = await services.orders.sweep();
  services.log.info('sweep finished', { ...result });
  return result;
}
