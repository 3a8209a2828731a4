/**
 * Webhooks Lambda, two triggers: a rule on the order-event bus hands it each event, which
 * becomes one delivery per subscribed endpoint (WebhookEnqueuer); a schedule every minute posts
 * the due deliveries (WebhookDispatcher), within the invocation's time budget. Thin: the rules
 * live in core/webhooks and run on one machine from the outbox drain and a timer.
 */
import type { Context, EventBridgeEvent } from 'aws-lambda';
import type { OrderEvent } from '../core/model.ts';
import { systemClock } from '../core/ports.ts';
import { httpsPoster } from '../core/webhooks/https-poster.ts';
import { WebhookDispatcher, WebhookEnqueuer } from '../core/webhooks/webhooks.ts';
import { DynamoWebhookStore } from '../store/dynamo/dynamo-webhook-store.ts';
import { openTable } from '../store/dynamo/table.ts';
import { requireEnv } from './aws/environment.ts';
import { powertoolsLog } from './aws/powertools-log.ts';

const log = powertoolsLog('restock-webhooks');
const store = new DynamoWebhookStore(
  openTable({ tableName: requireEnv('TABLE_NAME'), endpoint: process.env.DYNAMODB_ENDPOINT }),
);
const enqueuer = new WebhookEnqueuer(store, systemClock);
const dispatcher = new WebhookDispatcher({ store, post: httpsPoster(), clock: systemClock, log });

/** Leaves room for one more round (its requests time out after 10 s) before the Lambda's end. */
const ROUND_BUDGET_MS = 15_000;

export async function handler(
  event: EventBridgeEvent<string, OrderEvent | Record<string, never>>,
  context: Pick<Context, 'getRemainingTimeInMillis'>,
): Promise<void> {
  if (event.source !== 'aws.events') {
    await enqueuer.emit([event.detail as OrderEvent]);
    return;
  }
  while (context.getRemainingTimeInMillis() > ROUND_BUDGET_MS) {
    const round = await dispatcher.runDue();
    if (round.delivered + round.retried + round.dead === 0) break;
    log.info('webhooks dispatched', { ...round });
  }
}
