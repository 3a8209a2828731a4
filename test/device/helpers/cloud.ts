/**
 * The cloud the device scenarios press against: a real aedes broker, a local topic rule that
 * builds the AWS IoT rule event, and the real press pipeline (PressService + OrderService) on
 * the contract-tested in-memory store. Buttons are registered on first use, bound to a SKU
 * with a second action, in a household that allows one open order.
 */
import type { AddressInfo } from 'node:net';
import net from 'node:net';
import { Aedes } from 'aedes';
import {
  ackTopic,
  decodePress,
  deriveDeviceKey,
  encodeAck,
  fromHex,
  parseTopic,
  toHex,
  withoutIngestPrefix,
} from '#shared/index';
import { DerivedKeySource } from '../../../cloud/core/keys.ts';
import { DEFAULT_SETTINGS, type OrderStatus } from '../../../cloud/core/model.ts';
import { pressEventFor } from '../../../cloud/core/press/press-event.ts';
import { createPressPipeline } from '../../../cloud/core/press/press-pipeline.ts';
import { nodeSha256 } from '../../../cloud/core/sha256.ts';
import { MemoryOrderStore } from '../../../cloud/store/memory/memory-order-store.ts';
import {
  MemoryCommitOutbox,
  MemoryPressStore,
} from '../../../cloud/store/memory/memory-press-store.ts';
import { MemoryTable } from '../../../cloud/store/memory/memory-table.ts';

export interface CloudOrder {
  orderId: string;
  seq: number;
  click: string;
  status: OrderStatus;
}

export interface CloudPress {
  seq: number;
  click: string;
  attempt: number;
  battery_mv: number;
}

/** Decides whether an ack (JSON as it would be published) is lost on its way to the device. */
export type AckDropper = (ackJson: string, deliveryNumber: number) => boolean;

export interface CloudUnderTest {
  mqttPort: number;
  keyVersion: number;
  deviceSecret(deviceId: string): string;
  orders(deviceId: string): Promise<CloudOrder[]>;
  /** Every verified press received, duplicates included, in arrival order. */
  presses(deviceId: string): Promise<CloudPress[]>;
  setAckDropper(dropper: AckDropper | null): void;
  /** How many SUBSCRIBE packets a button sent (a resumed session needs none). */
  subscribes(deviceId: string): number;
  /** Every topic a button published to, in order. */
  publishTopics(deviceId: string): string[];
  /** A new broker on the same port: every session is gone, the store stays. */
  restartBroker(): Promise<void>;
  stop(): Promise<void>;
}

const MASTER_KEY = fromHex(
  '6d61737465722d6b65792d666f722d746573747321212121212121212121aa55',
) as Uint8Array;
const HOUSEHOLD = 'hh-device-tests';

export async function startTestCloud(): Promise<CloudUnderTest> {
  const keyVersion = 1;
  let broker = await Aedes.createBroker();
  let server = net.createServer(broker.handle);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  const subscribes = new Map<string, number>();
  const publishTopics = new Map<string, string[]>();
  const table = new MemoryTable();
  const store = new MemoryPressStore(table);
  const commits = new MemoryCommitOutbox(table);
  const orderStore = new MemoryOrderStore(table);
  const keys = new DerivedKeySource(new Map([[keyVersion, MASTER_KEY]]), nodeSha256);
  const received = new Map<string, CloudPress[]>();
  let dropper: AckDropper | null = null;
  let ackCount = 0;
  const now = Date.now();
  for (const [skuId, priceCents] of [
    ['coffee', 1299],
    ['filters', 399],
  ] as const) {
    table.putSku({
      brandId: 'acme',
      skuId,
      name: skuId,
      priceCents,
      currency: 'EUR',
      maxQuantity: 5,
      inStock: true,
      retired: false,
      priceHistory: [{ priceCents, at: now }],
      updatedAt: now,
    });
  }
  const register = (deviceId: string) => {
    if (table.buttons.has(deviceId)) return;
    table.putButton({
      deviceId,
      brandId: 'acme',
      serial: `SN-${deviceId}`,
      keyVersion,
      householdId: HOUSEHOLD,
      settings: {
        ...DEFAULT_SETTINGS,
        skuId: 'coffee',
        acceptedPriceCents: 1299,
        secondAction: { skuId: 'filters', quantity: 1 },
      },
      highWaterMark: 0,
      open: [],
      lastPressAt: null,
      batteryMv: null,
      createdAt: now,
    });
  };

  const { presses: service, relay } = createPressPipeline({
    store,
    orderStore,
    keys,
    acks: {
      publishAck: async (deviceId, ack) => {
        const json = encodeAck(ack);
        ackCount++;
        if (dropper?.(json, ackCount)) return;
        await new Promise<void>((resolve) =>
          broker.publish(
            {
              cmd: 'publish',
              topic: ackTopic(deviceId),
              payload: Buffer.from(json),
              qos: 1,
              retain: false,
              dup: false,
            },
            () => resolve(),
          ),
        );
      },
    },
  });

  // The local topic rule: every press publish, on the press topic or its Basic Ingest alias,
  // becomes the event an AWS IoT rule delivers.
  const onPublish = (packet: { topic: string; payload: Buffer | string }, client: unknown) => {
    if (!client) return;
    const clientId = (client as { id: string }).id;
    publishTopics.set(clientId, [...(publishTopics.get(clientId) ?? []), packet.topic]);
    const topic = parseTopic(withoutIngestPrefix(packet.topic));
    if (topic?.kind !== 'press') return;
    register(topic.deviceId);
    const payload = Buffer.from(packet.payload);
    service
      .handle(pressEventFor(topic.deviceId, payload, Date.now(), clientId))
      // The commit relay after every press, as the local stack's drain runs it.
      .then(async (result) => {
        await relay.drain(commits);
        const decoded = decodePress(payload.toString('utf8'));
        if (result.ack === null || !decoded.ok) return;
        const press = decoded.message;
        const list = received.get(press.device) ?? [];
        list.push({
          seq: press.seq,
          click: press.click,
          attempt: press.attempt,
          battery_mv: press.battery_mv,
        });
        received.set(press.device, list);
      })
      .catch((error) => console.error('press handler failed', error));
  };
  const listen = (next: Aedes) => {
    next.on('publish', onPublish);
    next.on('subscribe', (_subscriptions, client) => {
      subscribes.set(client.id, (subscribes.get(client.id) ?? 0) + 1);
    });
  };
  listen(broker);
  const stopBroker = async () => {
    await new Promise<void>((resolve) => broker.close(() => resolve()));
    await new Promise<void>((resolve) => server.close(() => resolve()));
  };

  return {
    mqttPort: port,
    keyVersion,
    deviceSecret: (deviceId) =>
      toHex(deriveDeviceKey(nodeSha256, MASTER_KEY, deviceId, keyVersion)),
    async orders(deviceId) {
      const log = await orderStore.pressLog(deviceId, { limit: 1000 });
      const clickOf = new Map(log.items.map((entry) => [entry.seq, entry.click ?? '']));
      return table
        .allOrders()
        .filter((order) => order.deviceId === deviceId)
        .sort((a, b) => a.seq - b.seq)
        .map((order) => ({
          orderId: order.orderId,
          seq: order.seq,
          click: clickOf.get(order.seq) ?? '',
          status: order.status,
        }));
    },
    presses: async (deviceId) => (received.get(deviceId) ?? []).slice(),
    setAckDropper: (next) => {
      dropper = next;
      ackCount = 0;
    },
    subscribes: (deviceId) => subscribes.get(deviceId) ?? 0,
    publishTopics: (deviceId) => (publishTopics.get(deviceId) ?? []).slice(),
    restartBroker: async () => {
      await stopBroker();
      broker = await Aedes.createBroker();
      listen(broker);
      server = net.createServer(broker.handle);
      await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
    },
    stop: stopBroker,
  };
}
