/** The API's DynamoDB adapters on one table (Lambda and the local stack build them once). */
import { DynamoActivityStore } from '../store/dynamo/dynamo-activity-store.ts';
import { DynamoAuditStore } from '../store/dynamo/dynamo-audit-store.ts';
import { DynamoButtonEventStore } from '../store/dynamo/dynamo-button-event-store.ts';
import { DynamoButtonStore } from '../store/dynamo/dynamo-button-store.ts';
import { DynamoClaimStore } from '../store/dynamo/dynamo-claim-store.ts';
import { DynamoCreditStore } from '../store/dynamo/dynamo-credit-store.ts';
import { DynamoHealthStore } from '../store/dynamo/dynamo-health-store.ts';
import { DynamoHouseholdStore } from '../store/dynamo/dynamo-household-store.ts';
import { DynamoIdempotencyStore } from '../store/dynamo/dynamo-idempotency-store.ts';
import { DynamoNotificationStore } from '../store/dynamo/dynamo-notification-store.ts';
import { DynamoOrderStore } from '../store/dynamo/dynamo-order-store.ts';
import { DynamoRolloutStore } from '../store/dynamo/dynamo-rollout-store.ts';
import { DynamoSandboxStore } from '../store/dynamo/dynamo-sandbox-store.ts';
import { DynamoSkuStore } from '../store/dynamo/dynamo-sku-store.ts';
import { DynamoStatsStore } from '../store/dynamo/dynamo-stats-store.ts';
import { DynamoWebhookStore } from '../store/dynamo/dynamo-webhook-store.ts';
import type { Table } from '../store/dynamo/table.ts';
import type { ApiStores } from './deps.ts';

export function dynamoApiStores(table: Table): ApiStores {
  return {
    skus: new DynamoSkuStore(table),
    buttons: new DynamoButtonStore(table),
    claims: new DynamoClaimStore(table),
    households: new DynamoHouseholdStore(table),
    notifications: new DynamoNotificationStore(table),
    audit: new DynamoAuditStore(table),
    idempotency: new DynamoIdempotencyStore(table),
    orders: new DynamoOrderStore(table),
    stats: new DynamoStatsStore(table),
    webhooks: new DynamoWebhookStore(table),
    buttonEvents: new DynamoButtonEventStore(table),
    health: new DynamoHealthStore(table),
    activity: new DynamoActivityStore(table),
    credits: new DynamoCreditStore(table),
    sandbox: new DynamoSandboxStore(table),
    rollouts: new DynamoRolloutStore(table),
  };
}
