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
import { ackTopic, pressTopic } from '#shared/index';
import { OutboxRelay } from '../cloud/core/events/outbox.ts';
import { DerivedKeySource } from '../cloud/core/keys.ts';
import type { OrderEvent } from '../cloud/core/model.ts';
import { HouseholdNotifier } from '../cloud/core/notifications/notify.ts';
import { pressEventFor } from '../cloud/core/press/press-event.ts';
import { createPressPipeline } from '../cloud/core/press/press-pipeline.ts';
import { nodeSha256 } from '../cloud/core/sha256.ts';
import { startDynalite } from '../cloud/store/dynamo/dynalite-server.ts';
import { DynamoNotificationStore } from '../cloud/store/dynamo/dynamo-notification-store.ts';
import { DynamoOrderStore } from '../cloud/store/dynamo/dynamo-order-store.ts';
import { DynamoPressStore } from '../cloud/store/dynamo/dynamo-press-store.ts';
import { orderChangesOf } from '../cloud/store/dynamo/stream-changes.ts';
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

/** Not measurable here: Lambda sizes and run times, and how long a button stays connected. */
const ASSUMED = {
  pressLambda: { gb: 0.25, seconds: 0.1 },
  eventLambda: { gb: 0.25, seconds: 0.05 },
  connectionMinutesPerPress: 1,
};

const BUTTONS = Number(process.env.COST_BUTTONS ?? 200);
const json = process.argv.includes('--json');

interface Line {
  item: string;
  unit: keyof typeof PRICES;
  perPress: number;
  /** The branch-point design: handlers emit to EventBridge, no household notifications in AWS. */
  before: number;
  how: 'measured' | 'assumed';
}

/** MQTT packets AWS IoT Core meters for one sleeping-button press (MQTT 3.1.1, clean session). */
async function meteredPackets(): Promise<Record<string, number>> {
  const broker = await Aedes.createBroker();
  const server = createServer(broker.handle);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  const count = { CONNECT: 0, SUBSCRIBE: 0, 'PUBLISH in': 0, 'PUBLISH out': 0, 'PUBACK in': 0 };
  broker.on('client', () => count.CONNECT++);
  broker.on('subscribe', () => count.SUBSCRIBE++);
  broker.on('ack', () => count['PUBACK in']++);
  broker.on('publish', (packet, client) => {
    if (packet.topic.startsWith('$SYS')) return;
    if (client) {
      count['PUBLISH in']++;
      // What the press Lambda's ack does in AWS: the service publishes to the ack topic.
      broker.publish(
        {
          cmd: 'publish',
          topic: ackTopic('cost-1'),
          payload: '{}',
          qos: 1,
          retain: false,
          dup: false,
        },
        () => {},
      );
    } else if (packet.topic === ackTopic('cost-1')) {
      count['PUBLISH out']++;
    }
  });
  const client = await mqtt.connectAsync(`mqtt://127.0.0.1:${port}`, {
    clientId: 'cost-1',
    clean: true,
    protocolVersion: 4,
    reconnectPeriod: 0,
  });
  await client.subscribeAsync(ackTopic('cost-1'), { qos: 1 });
  const acked = new Promise<void>((resolve) => client.once('message', () => resolve()));
  await client.publishAsync(pressTopic('cost-1'), '{"v":1}', { qos: 1 });
  await acked;
  await new Promise((resolve) => setTimeout(resolve, 50)); // the PUBACK for the ack
  await client.endAsync();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  await new Promise<void>((resolve) => broker.close(() => resolve()));
  return count;
}

/** One ordering press end to end on dynalite: press, events, notifications, sweep. */
async function meteredOrderLife() {
  const server = await startDynalite();
  const table = openTable({ tableName: 'restock-cost', endpoint: server.endpoint });
  const images = openTable({ tableName: 'restock-cost', endpoint: server.endpoint });
  await ensureTable(table);
  await seedButtons(table, BUTTONS);
  const meter = new BillingMeter(images.raw);
  meter.attach(table.raw);
  let now = Date.now();
  const clock = { now: () => now };
  let acks = 0;
  const { presses, orders } = createPressPipeline({
    store: new DynamoPressStore(table),
    orderStore: new DynamoOrderStore(table),
    keys: new DerivedKeySource(new Map([[1, MASTER]]), nodeSha256),
    acks: { publishAck: async () => void acks++ },
    clock,
  });
  const published: OrderEvent[] = [];
  const relay = new OutboxRelay({ emit: async (events) => void published.push(...events) });
  let snsPublishes = 0;
  const notifier = new HouseholdNotifier(new DynamoNotificationStore(table), {
    announce: async () => void snsPublishes++,
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
  const streamFor = async (before: Awaited<ReturnType<typeof orderItem>>[]) => {
    const records = [];
    for (let i = 0; i < BUTTONS; i++) {
      const NewImage = await orderItem(i);
      records.push({ dynamodb: { NewImage, ...(before[i] ? { OldImage: before[i] } : {}) } });
    }
    return orderChangesOf(records as never);
  };
  const deliver = async (changes: Awaited<ReturnType<typeof streamFor>>) => {
    const from = published.length;
    await relay.publish(changes);
    for (const event of published.slice(from)) await notifier.emit([event]);
  };

  const phases: Record<string, { wru: number; index: number; rru: number }> = {};
  const phase = async (name: string, run: () => Promise<unknown>) => {
    meter.reset();
    await run();
    phases[name] = { wru: meter.writeUnits, index: meter.indexWriteUnits, rru: meter.readUnits };
  };
  const payloads = signedPresses(BUTTONS);
  await phase('press', async () => {
    for (let i = 0; i < BUTTONS; i++) {
      const result = await presses.handle(pressEventFor(deviceId(i), payloads[i] as string, now));
      if (result.outcome !== 'ORDERED') throw new Error(`press ${i}: ${result.outcome}`);
    }
  });
  const placed = await streamFor([]);
  await phase('events placed', () => deliver(placed));
  const beforeSweep = await Promise.all(Array.from({ length: BUTTONS }, (_, i) => orderItem(i)));
  now += 31 * 60_000;
  await phase('sweep', async () => {
    const swept = await orders.sweep();
    if (swept.confirmed !== BUTTONS) throw new Error(`sweep confirmed ${swept.confirmed}`);
  });
  const confirmed = await streamFor(beforeSweep);
  await phase('events confirmed', () => deliver(confirmed));
  table.raw.destroy();
  images.raw.destroy();
  await server.close();
  return {
    phases,
    events: published.length / BUTTONS,
    sns: snsPublishes / BUTTONS,
    acks: acks / BUTTONS,
  };
}

function lines(
  packets: Record<string, number>,
  life: Awaited<ReturnType<typeof meteredOrderLife>>,
) {
  const per = (name: string, pick: (p: { wru: number; index: number; rru: number }) => number) =>
    life.phases[name] ? pick(life.phases[name]) / BUTTONS : 0;
  const both = (pick: (p: { wru: number; index: number; rru: number }) => number) => ({
    now: ['press', 'events placed', 'sweep', 'events confirmed'].reduce(
      (t, n) => t + per(n, pick),
      0,
    ),
    before: ['press', 'sweep'].reduce((t, n) => t + per(n, pick), 0),
  });
  // Every metered packet, plus the press Lambda's HTTP publish of the ack.
  const messages = Object.values(packets).reduce((a, b) => a + b, 0) + life.acks;
  const gbs = (l: { gb: number; seconds: number }) => l.gb * l.seconds;
  const rules = packets['PUBLISH in'] ?? 0;
  const items = both((p) => p.wru);
  const index = both((p) => p.index);
  const reads = both((p) => p.rru);
  const packetList = Object.entries(packets)
    .map(([k, v]) => `${v} ${k}`)
    .join(', ');
  const result: Line[] = [
    {
      item: `IoT messages (${packetList}, ${life.acks} HTTP ack publish)`,
      unit: 'iotMessage',
      perPress: messages,
      before: messages,
      how: 'measured',
    },
    {
      item: 'IoT connection minutes',
      unit: 'iotConnectionMinute',
      perPress: ASSUMED.connectionMinutesPerPress,
      before: ASSUMED.connectionMinutesPerPress,
      how: 'assumed',
    },
    {
      item: 'IoT rules triggered',
      unit: 'iotRuleTriggered',
      perPress: rules,
      before: rules,
      how: 'measured',
    },
    {
      item: 'IoT rule actions',
      unit: 'iotRuleAction',
      perPress: rules,
      before: rules,
      how: 'measured',
    },
    {
      item: 'Lambda requests (press; outbox and notify per event)',
      unit: 'lambdaRequest',
      perPress: 1 + 2 * life.events,
      before: 1,
      how: 'measured',
    },
    {
      item: 'Lambda GB-s (press 0.25 GB × 0.1 s, events 0.25 GB × 0.05 s)',
      unit: 'lambdaGbSecondArm',
      perPress: gbs(ASSUMED.pressLambda) + 2 * life.events * gbs(ASSUMED.eventLambda),
      before: gbs(ASSUMED.pressLambda),
      how: 'assumed',
    },
    {
      item: 'DynamoDB write units: items',
      unit: 'dynamoWriteUnit',
      perPress: items.now,
      before: items.before,
      how: 'measured',
    },
    {
      item: 'DynamoDB write units: index entries',
      unit: 'dynamoWriteUnit',
      perPress: index.now,
      before: index.before,
      how: 'measured',
    },
    {
      item: 'DynamoDB read units',
      unit: 'dynamoReadUnit',
      perPress: reads.now,
      before: reads.before,
      how: 'measured',
    },
    {
      item: 'EventBridge events',
      unit: 'eventBridgeEvent',
      perPress: life.events,
      before: life.events,
      how: 'measured',
    },
    {
      item: 'SNS publishes (deliveries to e-mail/SMS extra)',
      unit: 'snsPublish',
      perPress: life.sns,
      before: 0,
      how: 'measured',
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
