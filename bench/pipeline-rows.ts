/**
 * The three ways of handling a press that `npm run bench` compares, all on one dynalite:
 * - pipeline: Restock's press handler + DynamoDB stores, as the press Lambda runs it (the
 *   commit relay that writes the order items after it runs in the stream Lambda: commitRelay);
 * - floor: one conditional PutItem per press, the least any exactly-once design needs;
 * - baseline: Powertools idempotency around a naive order write, as most teams would build it.
 */

import { IdempotencyConfig, makeIdempotent } from '@aws-lambda-powertools/idempotency';
import { DynamoDBPersistenceLayer } from '@aws-lambda-powertools/idempotency/dynamodb';
import { CreateTableCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { BatchWriteCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import {
  decodePress,
  deriveDeviceKey,
  encodePress,
  type Press,
  signPress,
  verifyPress,
} from '#shared/index';
import { wallClock } from '../cloud/core/guard/local-time.ts';
import { DAY_MS } from '../cloud/core/guard/rhythm.ts';
import { BATTERY } from '../cloud/core/health/battery.ts';
import { DerivedKeySource } from '../cloud/core/keys.ts';
import { DEFAULT_SETTINGS } from '../cloud/core/model.ts';
import type { CommittedButton } from '../cloud/core/press/commit-relay.ts';
import { pressEventFor } from '../cloud/core/press/press-event.ts';
import { createCommitRelay, createPressPipeline } from '../cloud/core/press/press-pipeline.ts';
import { nodeSha256 } from '../cloud/core/sha256.ts';
import { toButtonItem } from '../cloud/store/dynamo/button-item.ts';
import { DynamoOrderStore } from '../cloud/store/dynamo/dynamo-order-store.ts';
import { DynamoPressStore, PRESS_SKU_CACHE_MS } from '../cloud/store/dynamo/dynamo-press-store.ts';
import { toSkuItem } from '../cloud/store/dynamo/sku-item.ts';
import type { Table } from '../cloud/store/dynamo/table.ts';

export const MASTER = new Uint8Array(32).fill(42);

export const deviceId = (i: number) => `bench-${i}`;

/** The index of the bench button a signed payload comes from. */
export const buttonOf = (payload: string) =>
  Number((JSON.parse(payload).device as string).slice('bench-'.length));

/**
 * Devices sign ahead of time: the benchmark measures the cloud, not the virtual buttons. Their
 * batteries are healthy, as on most presses of a real fleet: a low reading would add a
 * low-battery event to every press `npm run cost` meters.
 */
export function signedPresses(count: number): string[] {
  return Array.from({ length: count }, (_, i) => {
    const key = deriveDeviceKey(nodeSha256, MASTER, deviceId(i), 1);
    return encodePress(
      signPress(nodeSha256, key, {
        device: deviceId(i),
        seq: 1,
        click: 'SINGLE',
        battery_mv: BATTERY.HEALTHY_MV,
        attempt: 1,
        kv: 1,
      }),
    );
  });
}

/**
 * The accidental-order guard is fully on for every bench button — quiet hours in a time zone,
 * a learned rhythm of nine orders — but set so that the bench's press passes it and orders.
 */
const HOUR_MS = 3_600_000;

function guardedButton(at: number) {
  return {
    settings: {
      ...DEFAULT_SETTINGS,
      skuId: 'coffee',
      acceptedPriceCents: 1299,
      timeZone: 'Europe/Paris',
      quietHours: {
        from: wallClock(at + 6 * HOUR_MS, 'Europe/Paris'),
        to: wallClock(at + 7 * HOUR_MS, 'Europe/Paris'),
      },
    },
    rhythm: {
      coffee: {
        orderedAt: Array.from({ length: 9 }, (_, i) => at - (60 + 20 * i) * DAY_MS).reverse(),
        lastCancelledAt: at - 90 * DAY_MS,
      },
    },
  };
}

export async function seedButtons(table: Table, count: number): Promise<void> {
  const at = Date.now();
  const guarded = guardedButton(at);
  const items: Record<string, unknown>[] = [
    toSkuItem({
      brandId: 'bench',
      skuId: 'coffee',
      name: 'Coffee',
      priceCents: 1299,
      currency: 'EUR',
      maxQuantity: 5,
      inStock: true,
      retired: false,
      priceHistory: [{ priceCents: 1299, at }],
      updatedAt: at,
      usualIntervalDays: 30,
    }),
  ];
  for (let i = 0; i < count; i++) {
    const item = toButtonItem({
      deviceId: deviceId(i),
      brandId: 'bench',
      serial: `SN-${i}`,
      keyVersion: 1,
      householdId: `hh-${i % 100}`,
      settings: guarded.settings,
      highWaterMark: 0,
      open: [],
      lastPressAt: null,
      batteryMv: null,
      createdAt: at,
    });
    items.push({ ...item, rhythm: guarded.rhythm });
  }
  for (let i = 0; i < items.length; i += 25) {
    const batch = items.slice(i, i + 25).map((Item) => ({ PutRequest: { Item } }));
    await table.doc.send(new BatchWriteCommand({ RequestItems: { [table.name]: batch } }));
  }
}

export type Row = (payload: string) => Promise<void>;

/**
 * A fresh pipeline (cold caches) as the press Lambda runs it: a table with a stream, so its
 * claims mark nothing; `onAck` runs as each ack is published.
 */
export function pipelineRow(table: Table, onAck: () => void = () => {}): Row {
  const { presses: service } = createPressPipeline({
    store: new DynamoPressStore(table, { skuCacheMs: PRESS_SKU_CACHE_MS }),
    orderStore: new DynamoOrderStore(table),
    keys: new DerivedKeySource(new Map([[1, MASTER]]), nodeSha256),
    acks: { publishAck: async () => onAck() },
  });
  return async (payload) => {
    const device = JSON.parse(payload).device as string;
    const result = await service.handle(pressEventFor(device, payload, Date.now()));
    if (result.outcome !== 'ORDERED') throw new Error(`bench press answered ${result.outcome}`);
  };
}

/** The commit relay as the stream Lambda runs it: writes what each button's new claims owe. */
export function commitRelay(table: Table): (commit: CommittedButton) => Promise<number> {
  const { relay } = createCommitRelay({
    store: new DynamoPressStore(table),
    orderStore: new DynamoOrderStore(table),
  });
  return (commit) => relay.publish([commit]);
}

/** Buttons as a stream record's new image has them after their claims (read for the relay). */
export async function claimedButtons(table: Table, indexes: number[]): Promise<CommittedButton[]> {
  const store = new DynamoPressStore(table);
  const commits: CommittedButton[] = [];
  for (const i of indexes) {
    const { button } = await store.loadContext(deviceId(i));
    if (button) commits.push({ button, since: 0 });
  }
  return commits;
}

export function floorRow(table: Table): Row {
  return async (payload) => {
    const press = JSON.parse(payload) as Press;
    await table.doc.send(
      new PutCommand({
        TableName: table.name,
        Item: { pk: `FLOOR#${press.device}`, sk: `PRESS#${press.seq}` },
        ConditionExpression: 'attribute_not_exists(pk)',
      }),
    );
  };
}

export async function baselineRow(table: Table, client: DynamoDBClient): Promise<Row> {
  const idempotencyTable = `${table.name}-idempotency`;
  await client.send(
    new CreateTableCommand({
      TableName: idempotencyTable,
      BillingMode: 'PAY_PER_REQUEST',
      AttributeDefinitions: [{ AttributeName: 'id', AttributeType: 'S' }],
      KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }],
    }),
  );
  const persistenceStore = new DynamoDBPersistenceLayer({
    tableName: idempotencyTable,
    awsSdkV3Client: client,
  });
  const keys = new DerivedKeySource(new Map([[1, MASTER]]), nodeSha256);
  const config = new IdempotencyConfig({
    eventKeyJmesPath: '[device, seq]',
    throwOnNoIdempotencyKey: true,
  });
  // Outside Lambda there is no deadline; give Powertools one so it does not warn on every call.
  config.registerLambdaContext({ getRemainingTimeInMillis: () => 60_000 } as never);
  const placeOrder = makeIdempotent(
    async (press: Press) => {
      await table.doc.send(
        new PutCommand({
          TableName: table.name,
          Item: {
            pk: `BASE#${press.device}`,
            sk: `ORDER#${press.seq}`,
            skuId: 'coffee',
            quantity: 1,
            unitPriceCents: 1299,
            status: 'PLACED',
            placedAt: Date.now(),
          },
        }),
      );
      return { outcome: 'ORDERED', orderId: `${press.device}-${press.seq}` };
    },
    { persistenceStore, config },
  );
  return async (payload) => {
    const decoded = decodePress(payload);
    if (!decoded.ok) throw new Error('bench payload did not decode');
    const key = await keys.deviceKey(decoded.message.device, decoded.message.kv);
    if (!key || !verifyPress(nodeSha256, key, decoded.message)) throw new Error('bad signature');
    await placeOrder(decoded.message);
  };
}
