/** The API's DynamoDB adapters on one table (Lambda and the local stack build them once). */
import { DynamoAuditStore } from '../store/audit-store.ts';
import { DynamoButtonStore } from '../store/button-store.ts';
import { DynamoClaimStore } from '../store/claim-store.ts';
import { DynamoOrderStore } from '../store/dynamo-order-store.ts';
import { DynamoHouseholdStore } from '../store/household-store.ts';
import { DynamoIdempotencyStore } from '../store/idempotency-store.ts';
import { DynamoNotificationStore } from '../store/notification-store.ts';
import { DynamoSkuStore } from '../store/sku-store.ts';
import type { Table } from '../store/table.ts';
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
  };
}
