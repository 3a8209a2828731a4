/**
 * Webhooks Lambda: a schedule every minute posts the due deliveries (WebhookDispatcher), within
 * the invocation's time budget. The order-event Lambda queues them (one per subscribed endpoint
 * and event). Thin: the rules live in core/webhooks and run on one machine on a timer.
 */
import type { Context } from 'aws-lambda';
import { systemClock } from '../core/ports.ts';
import { httpsPoster } from '../core/webhooks/https-poster.ts';
import { WebhookDispatcher } from '../core/webhooks/webhooks.ts';
import { DynamoWebhookStore } from '../store/dynamo/dynamo-webhook-store.ts';
import { openTable } from '../store/dynamo/table.ts';
import { requireEnv } from './aws/environment.ts';
import { powertoolsLog } from './aws/powertools-log.ts';

const log = powertoolsLog('restock-webhooks');
const store = new DynamoWebhookStore(
  openTable({ tableName: requireEnv('TABLE_NAME'), endpoint: process.env.DYNAMODB_ENDPOINT }),
);
const dispatcher = new WebhookDispatcher({ store, post: httpsPoster(), clock: systemClock, log });

/** Leaves room for one more round (its requests time out after 10 s) before the Lambda's end. */
const ROUND_BUDGET_MS = 15_000;

export async function handler(
  _event: unknown,
  context: Pick<Context, 'getRemainingTimeInMillis'>,
): Promise<void> {
  while (context.getRemainingTimeInMillis() > ROUND_BUDGET_MS) {
    const round = await dispatcher.runDue();
    if (round.delivered + round.retried + round.dead === 0) break;
    log.info('webhooks dispatched', { ...round });
  }
}
