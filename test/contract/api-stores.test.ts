/**
 * Runs the API store contract against the in-memory fakes, dynalite (always) and DynamoDB
 * Local (where java exists; otherwise a skip line says why).
 */
import { afterAll, beforeAll, describe } from 'vitest';
import { dynamoApiStores } from '../../cloud/api/stores.ts';
import { startDynalite } from '../../cloud/store/dynamo/dynalite-server.ts';
import { ensureTable, openTable, type Table } from '../../cloud/store/dynamo/table.ts';
import { MemoryAuditStore } from '../../cloud/store/memory/memory-audit-store.ts';
import { MemoryButtonStore } from '../../cloud/store/memory/memory-button-store.ts';
import { MemoryClaimStore } from '../../cloud/store/memory/memory-claim-store.ts';
import { MemoryHouseholdStore } from '../../cloud/store/memory/memory-household-store.ts';
import { MemoryIdempotencyStore } from '../../cloud/store/memory/memory-idempotency-store.ts';
import { MemoryNotificationStore } from '../../cloud/store/memory/memory-notification-store.ts';
import { MemorySkuStore } from '../../cloud/store/memory/memory-sku-store.ts';
import { javaMissing, startDynamoDbLocal } from '../helpers/stores.ts';
import { apiStoreContract, type ContractStores } from './api-stores.contract.ts';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';

describe('API stores: memory', () => {
  apiStoreContract(async () => ({
    skus: new MemorySkuStore(),
    buttons: new MemoryButtonStore(),
    claims: new MemoryClaimStore(),
    households: new MemoryHouseholdStore(),
    notifications: new MemoryNotificationStore(),
    audit: new MemoryAuditStore(),
    idempotency: new MemoryIdempotencyStore(),
  }));
});

/** A fresh table per test, on a server started once per backend. */
function dynamoSuite(
  name: string,
  start: () => Promise<{ endpoint: string; stop(): Promise<void> }>,
) {
  describe(`API stores: ${name}`, () => {
    let server: { endpoint: string; stop(): Promise<void> };
    const tables: Table[] = [];
    let count = 0;
    beforeAll(async () => {
      server = await start();
    }, 120_000);
    afterAll(async () => {
      for (const table of tables) table.raw.destroy();
      await server?.stop();
    });
    apiStoreContract(async (): Promise<ContractStores> => {
      const table = openTable({
        tableName: `api-contract-${process.pid}-${++count}`,
        endpoint: server.endpoint,
      });
      tables.push(table);
      await ensureTable(table);
      const { orders: _orders, ...stores } = dynamoApiStores(table);
      return stores;
    });
  });
}

dynamoSuite('dynalite', async () => {
  const server = await startDynalite();
  return { endpoint: server.endpoint, stop: () => server.close() };
});

const missing = javaMissing();
if (missing) console.log(`skip: API store contract on DynamoDB Local: ${missing}`);
else dynamoSuite('DynamoDB Local', startDynamoDbLocal);
