/**
 * Webhooks Lambda, two triggers: a rule on the event bus hands it each order or button event, which
 * becomes one delivery per subscribed endpoint (WebhookEnqueuer); a schedule every minute posts
 * the due deliveries (WebhookDispatcher), within the invocation's time budget. Thin: the rules
 * live in core/webhooks and run on one machine from the outbox drain and a timer.
 */
import type { Context, EventBridgeEvent } from 'aws-lambda';
import type { ButtonEvent } from '../core/events/button-events.ts';
import type { OrderEvent } from '../core/model.ts';
import { systemClock } from '../core/ports.ts';
import { httpsPoster } from '../core/webhooks/https-poster.ts';
import { WebhookDispatcher, WebhookEnqueuer } from '../core/webhooks/webhooks.ts';
import { DynamoWebhookStore } from '../store/dynamo/dynamo-webhook-store.ts';
import { openTable } from '../store/dynamo/table.ts';
import { requireEnv } from './aws/environment.ts';
import { BUTTON_SOURCE } from './aws/eventbridge-sink.ts';
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
  event: EventBridgeEvent<string, OrderEvent | ButtonEvent | Record<string, never>>,
  context: Pick<Context, 'getRemainingTimeInMillis'>,
): Promise<void> {
  if (event.source === BUTTON_SOURCE) {
    await enqueuer.emitButtonEvents([event.detail as ButtonEvent]);
    return;
  }
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
