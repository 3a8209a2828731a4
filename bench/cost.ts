/**
 * `npm run cost [-- --json]`: what a million ordering presses cost on AWS, computed from calls
 * measured here and AWS's metering rules, with every price in PRICES (us-east-1 list prices,
 * free tiers ignored). Measured: the MQTT packets of a sleeping button's session (a real aedes
 * broker and an MQTT 3.1.1 client doing what the firmware does), and, on dynalite with the
 * production code, each press, its order events, the household notifications and the sweep's
 * confirmation — write units as DynamoDB bills them (BillingMeter), events, SNS publishes.
 * Assumed (named in the output): Lambda memory and durations, one connection-minute per press.
 */
import { createServer } from 'node:net';
import { GetItemCommand } from '@aws-sdk/client-dynamodb';
import { Aedes } from 'aedes';
import mqtt from 'mqtt';
import { ackTopic, pressIngestTopic, pressTopic } from '#shared/index';
import { dynamoApiStores } from '../cloud/api/stores.ts';
import { orderEventConsumers } from '../cloud/core/events/consumers.ts';
import { OutboxRelay } from '../cloud/core/events/outbox.ts';
import { FleetHealth } from '../cloud/core/health/fleet-health.ts';
import { HouseholdInsight } from '../cloud/core/insight/household-insight.ts';
import { DerivedKeySource } from '../cloud/core/keys.ts';
import { HouseholdNotifier } from '../cloud/core/notifications/notify.ts';
import { pressEventFor } from '../cloud/core/press/press-event.ts';
import { createPressPipeline } from '../cloud/core/press/press-pipeline.ts';
import { nodeSha256 } from '../cloud/core/sha256.ts';
import { WebhookDispatcher } from '../cloud/core/webhooks/webhooks.ts';
import { STREAM_BATCH } from '../cloud/infra/stream-batch.ts';
import { startDynalite } from '../cloud/store/dynamo/dynalite-server.ts';
import { DynamoActivityStore } from '../cloud/store/dynamo/dynamo-activity-store.ts';
import { DynamoNotificationStore } from '../cloud/store/dynamo/dynamo-notification-store.ts';
import { DynamoOrderStore } from '../cloud/store/dynamo/dynamo-order-store.ts';
import { DynamoPressStore } from '../cloud/store/dynamo/dynamo-press-store.ts';
import { DynamoStatsStore } from '../cloud/store/dynamo/dynamo-stats-store.ts';
import { DynamoWebhookStore } from '../cloud/store/dynamo/dynamo-webhook-store.ts';
import { buttonCommitsOf, orderChangesOf } from '../cloud/store/dynamo/stream-changes.ts';
import { ensureTable, openTable } from '../cloud/store/dynamo/table.ts';
import { keys } from '../cloud/store/dynamo/table-keys.ts';
import { BillingMeter } from './billing-meter.ts';
import { deviceId, MASTER, seedButtons, signedPresses } from './pipeline-rows.ts';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';

/** USD per unit. The one place prices live. */
export const PRICES = {
  iotMessage: 1.0 / 1e6,
  iotConnectionMinute: 0.08 / 1e6,
  iotRuleTriggered: 0.15 / 1e6,
  iotRuleAction: 0.15 / 1e6,
  lambdaRequest: 0.2 / 1e6,
  lambdaGbSecondArm: 0.0000133334,
  dynamoWriteUnit: 0.625 / 1e6,
  dynamoReadUnit: 0.125 / 1e6,
  eventBridgeEvent: 1.0 / 1e6,
  snsPublish: 0.5 / 1e6,
} as const;

/** AWS's metering rules each line applies (pricing pages and developer guides, us-east-1). */
const RULES = {
  iot:
    'IoT Core meters CONNECT, SUBSCRIBE, PUBLISH in and out, and the PUBACK a device sends ' +
    '(MQTT 3.1.1: one 5 KB message); not PINGREQ/PINGRESP, CONNACK, SUBACK, the PUBACK IoT ' +
    'sends, DISCONNECT. Basic Ingest ($aws/rules/…) has no messaging charge. An HTTP publish ' +
    '(the ack) is one message per 5 KB; its delivery is a PUBLISH out. A QoS 0 subscription ' +
    'gets QoS 0 deliveries: no PUBACK. A persistent session (clean session 0) keeps ' +
    'subscriptions for its expiry (1 h default, raised by quota request); CONNACK session ' +
    'present = 1 means no re-SUBSCRIBE; only QoS 1 messages are stored (and billed) for it',
  rules: 'one rule triggered and one action per press, Basic Ingest included',
  lambda:
    'one request per invocation; a stream event source mapping invokes once per batch ' +
    '(BatchSize, MaximumBatchingWindowInSeconds)',
  dynamo:
    'on-demand: 1 WRU per started KB of the larger item image, plus 1 per index entry ' +
    'written or removed, 2 when its key changes; reads as DynamoDB reports them',
  eventBridge: 'one event per 64 KB entry put on a custom bus, batched or not',
  sns: 'one request per 64 KB publish; e-mail/SMS deliveries are billed on top',
} as const;

/** Not measurable here: Lambda sizes and run times, traffic, sessions, subscribers. */
const ASSUMED = {
  pressLambda: { gb: 0.25, seconds: 0.1 },
  eventLambda: { gb: 0.25, seconds: 0.15 },
  connectionMinutesPerPress: 1,
  /** The fleet's ordering presses a month: how densely stream records arrive (COST_PRESSES_PER_MONTH). */
  pressesPerMonth: Number(process.env.COST_PRESSES_PER_MONTH ?? 1e6),
  /** Stream shards a table of this size has; each is read and batched on its own. */
  streamShards: 2,
  /** Presses that find the button's session (a reorder within the raised 7-day expiry). */
  sessionResumedShare: 0.5,
  /** Households with an e-mail/SMS subscription. */
  subscribedHouseholdShare: 0.2,
};

const BUTTONS = Number(process.env.COST_BUTTONS ?? 200);
const HOUSEHOLDS = 100;
const json = process.argv.includes('--json');

interface Line {
  item: string;
  unit: keyof typeof PRICES;
  perPress: number;
  /** The branch-point design: clean MQTT sessions, handlers emitting to EventBridge. */
  before: number;
  how: string;
}

type Packets = Record<string, number>;

/**
 * One wake of a button on a real aedes broker, as the firmware does it (`now`: persistent
 * session, QoS 0 ack subscription only when the session is gone, press through Basic Ingest) or
 * as it did before (clean session, QoS 1 subscription, press topic); the ack is published at
 * QoS 1 as the press Lambda does. Counts the packets AWS would meter, by name.
 */
async function wakePackets(broker: Aedes, port: number, flow: 'before' | 'now'): Promise<Packets> {
  const id = 'cost-1';
  const count = {
    CONNECT: 0,
    SUBSCRIBE: 0,
    'PUBLISH in': 0,
    'PUBLISH in (Basic Ingest)': 0,
    'PUBLISH out': 0,
    'PUBACK in': 0,
  };
  const onClient = () => count.CONNECT++;
  const onSubscribe = () => count.SUBSCRIBE++;
  const onAck = () => count['PUBACK in']++;
  const onPublish = (packet: { topic: string }, client: unknown) => {
    if (packet.topic.startsWith('$SYS')) return;
    if (client) {
      count[packet.topic.startsWith('$aws/rules/') ? 'PUBLISH in (Basic Ingest)' : 'PUBLISH in']++;
      broker.publish(
        { cmd: 'publish', topic: ackTopic(id), payload: '{}', qos: 1, retain: false, dup: false },
        () => {},
      );
    } else if (packet.topic === ackTopic(id)) {
      count['PUBLISH out']++;
    }
  };
  broker.on('client', onClient);
  broker.on('subscribe', onSubscribe);
  broker.on('ack', onAck);
  broker.on('publish', onPublish);
  const client = mqtt.connect(`mqtt://127.0.0.1:${port}`, {
    clientId: id,
    clean: flow === 'before',
    protocolVersion: 4,
    reconnectPeriod: 0,
  });
  const connack = await new Promise<{ sessionPresent: boolean }>((resolve) =>
    client.once('connect', resolve),
  );
  if (flow === 'before') await client.subscribeAsync(ackTopic(id), { qos: 1 });
  else if (!connack.sessionPresent) await client.subscribeAsync(ackTopic(id), { qos: 0 });
  const acked = new Promise<void>((resolve) => client.once('message', () => resolve()));
  const topic = flow === 'before' ? pressTopic(id) : pressIngestTopic(id);
  await client.publishAsync(topic, '{"v":1}', { qos: 1 });
  await acked;
  await new Promise((resolve) => setTimeout(resolve, 50)); // a PUBACK for the ack, if any
  await client.endAsync();
  broker.off('client', onClient);
  broker.off('subscribe', onSubscribe);
  broker.off('ack', onAck);
  broker.off('publish', onPublish);
  return count;
}

/** Metered packets per press: before, and now for a wake without and with its session. */
async function meteredPackets() {
  const broker = await Aedes.createBroker();
  const server = createServer(broker.handle);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  const before = await wakePackets(broker, port, 'before');
  const fresh = await wakePackets(broker, port, 'now');
  const resumed = await wakePackets(broker, port, 'now');
  await new Promise<void>((resolve) => broker.close(() => resolve()));
  await new Promise<void>((resolve) => server.close(() => resolve()));
  const share = ASSUMED.sessionResumedShare;
  const now = Object.fromEntries(
    Object.keys(fresh).map((k) => [k, (fresh[k] ?? 0) * (1 - share) + (resumed[k] ?? 0) * share]),
  );
  return { before, now, fresh, resumed };
}

/** What AWS bills of a wake's packets: everything but Basic Ingest publishes. */
const billed = (packets: Packets) =>
  Object.entries(packets)
    .filter(([name]) => name !== 'PUBLISH in (Basic Ingest)')
    .reduce((sum, [, n]) => sum + n, 0);

/** The branch point's store figures per press (press and sweep), measured by this bench then. */
const BEFORE_STORE = { wru: 3, indexWru: 6, rru: 3.58 };

type Phase = { wru: number; index: number; rru: number };

/**
 * One ordering press end to end on dynalite with the production code: the press, its events
 * through the consumers the order-event Lambda runs (household notifications and SNS, brand
 * statistics, the webhook queue, the brand bus), the sweep's confirmation and its events, and
 * the webhook posts. A share of the households subscribed to e-mail; the brand has a webhook.
 */
async function meteredOrderLife() {
  const server = await startDynalite();
  const table = openTable({ tableName: 'restock-cost', endpoint: server.endpoint });
  const images = openTable({ tableName: 'restock-cost', endpoint: server.endpoint });
  await ensureTable(table);
  await seedButtons(table, BUTTONS);
  let now = Date.now();
  const clock = { now: () => now };
  const silent = { info: () => {}, warn: () => {}, error: () => {} };
  const notifications = new DynamoNotificationStore(table);
  const subscribed = Math.round(HOUSEHOLDS * ASSUMED.subscribedHouseholdShare);
  for (let h = 0; h < subscribed; h++) {
    await notifications.putSubscription({
      householdId: `hh-${h}`,
      subscriptionId: 'email',
      protocol: 'email',
      endpoint: `hh-${h}@example.org`,
      createdAt: now,
      reference: `arn:aws:sns:us-east-1:123456789012:restock:hh-${h}`,
    });
  }
  const webhooks = new DynamoWebhookStore(table);
  await webhooks.putEndpoint({
    brandId: 'bench',
    endpointId: 'fulfilment',
    url: 'https://brand.example/restock',
    eventTypes: ['order.confirmed', 'order.cancelled'],
    createdAt: now,
  });
  const secret = { secretId: 's1', secret: 'c2VjcmV0LXNlY3JldC1zZWNyZXQ', createdAt: now };
  await webhooks.putSecrets(
    { brandId: 'bench', version: 1, current: secret, previous: null, previousUntil: null },
    0,
  );
  const meter = new BillingMeter(images.raw);
  meter.attach(table.raw);
  let acks = 0;
  const orderStore = new DynamoOrderStore(table);
  const {
    presses,
    relay: commits,
    orders,
  } = createPressPipeline({
    store: new DynamoPressStore(table),
    orderStore,
    keys: new DerivedKeySource(new Map([[1, MASTER]]), nodeSha256),
    acks: { publishAck: async () => void acks++ },
    clock,
  });
  let busEvents = 0;
  let snsPublishes = 0;
  const relay = new OutboxRelay(
    orderEventConsumers({
      household: new HouseholdNotifier(notifications, {
        announce: async () => void snsPublishes++,
      }),
      stats: new DynamoStatsStore(table),
      webhooks,
      timers: orderStore,
      clock,
      brandBus: {
        emit: async (events) => {
          busEvents += events.length;
        },
      },
      // Fleet health and household insight, as the order-event Lambda runs them.
      more: [
        new FleetHealth(dynamoApiStores(table), clock, silent),
        new HouseholdInsight(new DynamoActivityStore(table)),
      ],
    }),
  );
  const dispatcher = new WebhookDispatcher({
    store: webhooks,
    post: async () => 200,
    clock,
    log: silent,
  });
  const orderItem = async (i: number) =>
    (
      await images.raw.send(
        new GetItemCommand({
          TableName: table.name,
          Key: {
            pk: { S: keys.press(deviceId(i), 1).pk },
            sk: { S: keys.press(deviceId(i), 1).sk },
          },
        }),
      )
    ).Item;
  const buttonItem = async (i: number) =>
    (
      await images.raw.send(
        new GetItemCommand({
          TableName: table.name,
          Key: { pk: { S: keys.button(deviceId(i)).pk }, sk: { S: keys.button(deviceId(i)).sk } },
        }),
      )
    ).Item;
  const buttonItems = () => Promise.all(Array.from({ length: BUTTONS }, (_, i) => buttonItem(i)));
  let streamRecords = 0;
  const streamFor = async (before: Awaited<ReturnType<typeof orderItem>>[]) => {
    const records = [];
    for (let i = 0; i < BUTTONS; i++) {
      const NewImage = await orderItem(i);
      records.push({ dynamodb: { NewImage, ...(before[i] ? { OldImage: before[i] } : {}) } });
    }
    streamRecords += records.length;
    return orderChangesOf(records as never);
  };
  let events = 0;

  const phases: Record<string, Phase> = {};
  const phase = async (name: string, run: () => Promise<unknown>) => {
    meter.reset();
    await run();
    phases[name] = { wru: meter.writeUnits, index: meter.indexWriteUnits, rru: meter.readUnits };
  };
  const payloads = signedPresses(BUTTONS);
  const idle = await buttonItems();
  await phase('press', async () => {
    for (let i = 0; i < BUTTONS; i++) {
      const result = await presses.handle(pressEventFor(deviceId(i), payloads[i] as string, now));
      if (result.outcome !== 'ORDERED') throw new Error(`press ${i}: ${result.outcome}`);
    }
  });
  // The stream Lambda's commit relay writes the order items the claims owe.
  const claimed = await buttonItems();
  const claims = buttonCommitsOf(
    claimed.map((NewImage, i) => ({ dynamodb: { NewImage, OldImage: idle[i] } })) as never,
  );
  streamRecords += claims.length;
  await phase('commit relay', async () => {
    await commits.publish(claims);
  });
  // As the stream delivers them at the assumed traffic: each batch files its own order timers.
  const inStreamBatches = async (changes: Awaited<ReturnType<typeof streamFor>>) => {
    for (let i = 0; i < changes.length; i += ORDER_CHANGES_PER_BATCH) {
      events += await relay.publish(changes.slice(i, i + ORDER_CHANGES_PER_BATCH));
    }
  };
  const placed = await streamFor([]);
  await phase('events placed (with order timers)', () => inStreamBatches(placed));
  const beforeSweep = await Promise.all(Array.from({ length: BUTTONS }, (_, i) => orderItem(i)));
  now += 31 * 60_000;
  await phase('sweep', async () => {
    const swept = await orders.sweep();
    if (swept.confirmed !== BUTTONS) throw new Error(`sweep confirmed ${swept.confirmed}`);
  });
  const confirmed = await streamFor(beforeSweep);
  await phase('events confirmed', () => inStreamBatches(confirmed));
  await phase('webhook posts', async () => {
    for (;;) {
      const round = await dispatcher.runDue();
      if (round.delivered + round.retried + round.dead === 0) break;
    }
  });
  table.raw.destroy();
  images.raw.destroy();
  await server.close();
  return {
    phases,
    events: events / BUTTONS,
    streamRecords: streamRecords / BUTTONS,
    bus: busEvents / BUTTONS,
    sns: snsPublishes / BUTTONS,
    acks: acks / BUTTONS,
  };
}

/**
 * Order changes per order-event Lambda batch at the assumed traffic: a batch carries both kinds
 * of an order's stream records (its placement and its confirmation), so about half its records
 * are placements, each filing an order timer unless the batch already has one for that minute.
 */
const ORDER_CHANGES_PER_BATCH = Math.max(1, Math.round(recordsPerInvocation(2) / 2));

/** Stream records per order-event Lambda invocation at the assumed traffic. */
function recordsPerInvocation(streamRecordsPerPress: number): number {
  const perSecond = (ASSUMED.pressesPerMonth * streamRecordsPerPress) / (30 * 86_400);
  const perShardWindow = (perSecond * STREAM_BATCH.windowSeconds) / ASSUMED.streamShards;
  return Math.min(STREAM_BATCH.size, Math.max(1, perShardWindow));
}

function lines(
  packets: Awaited<ReturnType<typeof meteredPackets>>,
  life: Awaited<ReturnType<typeof meteredOrderLife>>,
) {
  const total = (pick: (p: Phase) => number) =>
    Object.values(life.phases).reduce((sum, p) => sum + pick(p), 0) / BUTTONS;
  const gbs = (l: { gb: number; seconds: number }) => l.gb * l.seconds;
  const list = (p: Packets) =>
    Object.entries(p)
      .map(([k, v]) => `${Math.round(v * 100) / 100} ${k}`)
      .join(', ');
  const perBatch = recordsPerInvocation(life.streamRecords);
  const eventInvocations = life.streamRecords / perBatch;
  const r = (n: number) => Math.round(n * 100) / 100;
  const result: Line[] = [
    {
      item:
        `IoT messages (now: ${list(packets.now)}, ${life.acks} HTTP ack publish; ` +
        `before: ${list(packets.before)}, 1 HTTP ack publish)`,
      unit: 'iotMessage',
      perPress: billed(packets.now) + life.acks,
      before: billed(packets.before) + 1,
      how:
        `measured: a wake without its session bills ${billed(packets.fresh)}, one that resumes it ` +
        `${billed(packets.resumed)} (assumed ${ASSUMED.sessionResumedShare} of presses resume); ${RULES.iot}`,
    },
    {
      item: 'IoT connection minutes',
      unit: 'iotConnectionMinute',
      perPress: ASSUMED.connectionMinutesPerPress,
      before: ASSUMED.connectionMinutesPerPress,
      how: 'assumed: one minute per wake',
    },
    {
      item: 'IoT rules triggered',
      unit: 'iotRuleTriggered',
      perPress: 1,
      before: 1,
      how: `measured: 1 press, 1 rule; ${RULES.rules}`,
    },
    {
      item: 'IoT rule actions',
      unit: 'iotRuleAction',
      perPress: 1,
      before: 1,
      how: `measured: the press Lambda; ${RULES.rules}`,
    },
    {
      item: `Lambda requests (press; order-event Lambda per stream batch of ${r(perBatch)})`,
      unit: 'lambdaRequest',
      perPress: 1 + eventInvocations,
      before: 1,
      how:
        `measured ${life.streamRecords} stream records per press; assumed ${ASSUMED.pressesPerMonth} ` +
        `presses a month on ${ASSUMED.streamShards} shards, ${STREAM_BATCH.windowSeconds} s window; ${RULES.lambda}`,
    },
    {
      item:
        `Lambda GB-s (press ${ASSUMED.pressLambda.gb} GB × ${ASSUMED.pressLambda.seconds} s, ` +
        `order events ${ASSUMED.eventLambda.gb} GB × ${ASSUMED.eventLambda.seconds} s per batch)`,
      unit: 'lambdaGbSecondArm',
      perPress: gbs(ASSUMED.pressLambda) + eventInvocations * gbs(ASSUMED.eventLambda),
      before: gbs(ASSUMED.pressLambda),
      how: 'assumed sizes and durations; invocations as above',
    },
    {
      item: `DynamoDB write units: items (${Object.entries(life.phases)
        .map(([n, p]) => `${n} ${r(p.wru / BUTTONS)}`)
        .join(', ')})`,
      unit: 'dynamoWriteUnit',
      perPress: total((p) => p.wru),
      before: BEFORE_STORE.wru,
      how: `measured (BillingMeter); ${RULES.dynamo}`,
    },
    {
      item: `DynamoDB write units: index entries (${Object.entries(life.phases)
        .map(([n, p]) => `${n} ${r(p.index / BUTTONS)}`)
        .join(', ')})`,
      unit: 'dynamoWriteUnit',
      perPress: total((p) => p.index),
      before: BEFORE_STORE.indexWru,
      how: `measured (BillingMeter); ${RULES.dynamo}`,
    },
    {
      item: 'DynamoDB read units',
      unit: 'dynamoReadUnit',
      perPress: total((p) => p.rru),
      before: BEFORE_STORE.rru,
      how: `measured; ${RULES.dynamo}`,
    },
    {
      item: `EventBridge events (now: only those a brand must hear of, of ${life.events} per press)`,
      unit: 'eventBridgeEvent',
      perPress: life.bus,
      before: life.events,
      how: `measured; ${RULES.eventBridge}`,
    },
    {
      item: `SNS publishes (households with a subscription only, ${ASSUMED.subscribedHouseholdShare} of them)`,
      unit: 'snsPublish',
      perPress: life.sns,
      before: 0,
      how: `measured; assumed share of subscribed households; ${RULES.sns}`,
    },
  ];
  return result;
}

async function main() {
  const packets = await meteredPackets();
  const life = await meteredOrderLife();
  const table = lines(packets, life);
  const usd = (line: Line, count: number) => count * PRICES[line.unit] * 1e6;
  const total = (pick: (l: Line) => number) => table.reduce((sum, l) => sum + usd(l, pick(l)), 0);
  const round = (n: number, d = 2) => Math.round(n * 10 ** d) / 10 ** d;
  if (json) {
    console.log(
      JSON.stringify({
        usd_per_million_ordering_presses: round(total((l) => l.perPress)),
        usd_per_million_before: round(total((l) => l.before)),
        lines: table.map((l) => ({
          ...l,
          perPress: round(l.perPress, 3),
          before: round(l.before, 3),
          usd_per_million: round(usd(l, l.perPress)),
          usd_per_million_before: round(usd(l, l.before)),
        })),
        phases_per_press: Object.fromEntries(
          Object.entries(life.phases).map(([name, p]) => [
            name,
            { wru: p.wru / BUTTONS, index_wru: p.index / BUTTONS, rru: p.rru / BUTTONS },
          ]),
        ),
        prices: PRICES,
        assumed: ASSUMED,
      }),
    );
    return;
  }
  console.log('| item | before: per press | $/M | now: per press | $/M | how |');
  console.log('|---|---:|---:|---:|---:|---|');
  for (const l of table) {
    console.log(
      `| ${l.item} | ${round(l.before, 3)} | ${usd(l, l.before).toFixed(2)} | ${round(l.perPress, 3)} | ${usd(l, l.perPress).toFixed(2)} | ${l.how} |`,
    );
  }
  console.log(
    `| **total** | | **${total((l) => l.before).toFixed(2)}** | | **${total((l) => l.perPress).toFixed(2)}** | |`,
  );
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
