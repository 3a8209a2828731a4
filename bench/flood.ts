/**
 * The flood row of `npm run bench` (JSON key "flood"): forged presses for random, syntactically
 * valid device ids — published through the broker by one connection allowed to publish on every
 * press topic, the worst the policy lets anyone do — while genuine buttons press. It reports how
 * many table items the flood cost (the rejection budget bounds them) and the genuine presses'
 * p99 beside the same presses' p99 without a flood. Figures only; test/bench/flood.test.ts
 * asserts the bound and the outcomes, never the timings.
 */
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import { connect, type MqttClient } from 'mqtt';
import { encodePress, pressTopic, signPress } from '#shared/index';
import type { Log } from '../cloud/core/ports.ts';
import { DEFAULT_REJECTION_LIMITS } from '../cloud/core/press/rejection-budget.ts';
import { nodeSha256 } from '../cloud/core/sha256.ts';
import type { ServiceIdentity } from '../cloud/local/iot/policy.ts';
import { localPipeline } from '../cloud/local/pipeline.ts';
import { type RunningStack, startStack } from '../cloud/local/stack.ts';
import type { ButtonTransport, VirtualButton } from '../cloud/local/tools/virtual-button.ts';
import { startDynalite } from '../cloud/store/dynamo/dynalite-server.ts';
import { benchStackConfig, connectButtons, registerButtons } from './e2e.ts';
import { percentile } from './load.ts';

export interface FloodFigures {
  forged: number;
  legit: number;
  legit_ordered: number;
  /** Table items the forged presses added (growth beyond what the genuine presses wrote). */
  items_written: number;
  /** Genuine presses during the flood, press → verified ack. */
  p99_ms: number;
  /** The same number of genuine presses without a flood. */
  p99_no_flood_ms: number;
}

export interface FloodResult extends FloodFigures {
  /** What the rejection budget allows one connection in the flood's duration. */
  items_bound: number;
}

export interface FloodOptions {
  forged?: number;
  legit?: number;
  progress?: (message: string) => void;
}

const CONNECTION = 'flood-attacker';

export async function measureFlood(options: FloodOptions = {}): Promise<FloodResult> {
  const forged = options.forged ?? 10_000;
  const legit = options.legit ?? 20;
  const progress = options.progress ?? (() => {});
  const dataDir = await mkdtemp(join(tmpdir(), 'restock-bench-flood-'));
  const attacker: ServiceIdentity = {
    name: 'restock-bench-flood',
    secret: randomBytes(16).toString('hex'),
    publish: ['restock/v1/+/press'],
    subscribe: [],
  };
  let refused = 0;
  const log: Log = {
    info: () => {},
    warn: (message) => {
      if (message === 'press refused') refused++;
    },
    error: () => {},
  };
  const store = await startDynalite();
  const stack = await startStack(benchStackConfig(dataDir, store.endpoint), {
    log,
    services: [attacker],
    pipeline: localPipeline,
  });
  const transports: ButtonTransport[] = [];
  try {
    // Fresh buttons for each phase, so that every genuine press is a button's first and orders.
    const quietIds = Array.from({ length: legit }, (_, i) => `quiet-${i + 1}`);
    const floodIds = Array.from({ length: legit }, (_, i) => `steady-${i + 1}`);
    progress(`flood: registering ${2 * legit} genuine buttons…`);
    await registerButtons(stack, [...quietIds, ...floodIds]);
    const quiet = await connectButtons(stack, quietIds, transports);
    const steady = await connectButtons(stack, floodIds, transports);

    progress(`flood: ${legit} genuine presses without a flood…`);
    const start = await countItems(stack);
    const calm = await pressEach(quiet, async () => {});
    const afterCalm = await countItems(stack);

    progress(`flood: ${forged} forged presses from one connection, ${legit} genuine among them…`);
    const client = await connectAttacker(stack, attacker);
    const floodStart = performance.now();
    let published = 0;
    const flooding = (async () => {
      for (let i = 0; i < forged; i++) {
        const deviceId = `ghost-${randomBytes(6).toString('hex')}`;
        await client.publishAsync(pressTopic(deviceId), forgedPress(deviceId), { qos: 1 });
        published++;
      }
    })();
    // Spread the genuine presses over the flood: the next one waits for its share of forgeries.
    const during = await pressEach(steady, async (i) => {
      while (published < Math.floor((i * forged) / legit)) await pause(2);
    });
    await flooding;
    while (refused < forged) await pause(10);
    const floodMs = performance.now() - floodStart;
    await client.endAsync(true);
    const afterFlood = await countItems(stack);

    const { perConnection } = DEFAULT_REJECTION_LIMITS;
    return {
      forged,
      legit,
      legit_ordered: during.outcomes.filter((o) => o === 'ORDERED').length,
      items_written: afterFlood - afterCalm - (afterCalm - start),
      p99_ms: round(percentile(during.latenciesMs, 99)),
      p99_no_flood_ms: round(percentile(calm.latenciesMs, 99)),
      items_bound: perConnection.burst + Math.ceil(floodMs / perConnection.refillMs),
    };
  } finally {
    await Promise.all(transports.map((t) => t.close().catch(() => undefined)));
    await stack.close();
    await store.close();
    await rm(dataDir, { recursive: true, force: true });
  }
}

/** One press per button, one after another, each after `before(i)`. */
async function pressEach(buttons: VirtualButton[], before: (i: number) => Promise<void>) {
  const latenciesMs: number[] = [];
  const outcomes: string[] = [];
  for (const [i, button] of buttons.entries()) {
    await before(i);
    const t0 = performance.now();
    const result = await button.press('SINGLE');
    latenciesMs.push(performance.now() - t0);
    outcomes.push(result.outcome);
  }
  return { latenciesMs, outcomes };
}

/** A well-formed press signed with a key nobody holds. */
function forgedPress(deviceId: string): string {
  return encodePress(
    signPress(nodeSha256, randomBytes(32), {
      device: deviceId,
      seq: 1,
      click: 'SINGLE',
      battery_mv: 3000,
      attempt: 1,
      kv: 1,
    }),
  );
}

async function connectAttacker(
  stack: RunningStack,
  identity: ServiceIdentity,
): Promise<MqttClient> {
  const client = connect(`mqtt://127.0.0.1:${stack.runtime.mqttPort}`, {
    protocolVersion: 4,
    clientId: CONNECTION,
    username: identity.name,
    password: identity.secret,
    reconnectPeriod: 0,
  });
  await new Promise<void>((resolve, reject) => {
    client.once('connect', () => resolve());
    client.once('error', reject);
    client.once('close', () => reject(new Error('the flooding client was refused')));
  });
  return client;
}

/** Items in the table once the outbox relay has written the notifications of what came before. */
async function countItems(stack: RunningStack): Promise<number> {
  await stack.drainOutbox();
  let count = 0;
  let start: Record<string, unknown> | undefined;
  do {
    const page = await stack.table.doc.send(
      // Order timers are one per drained batch, not per press: how the genuine presses' events
      // happen to batch would count as the flood's. The sweep removes them anyway.
      new ScanCommand({
        TableName: stack.table.name,
        Select: 'COUNT',
        FilterExpression: '#type <> :timer',
        ExpressionAttributeNames: { '#type': 'type' },
        ExpressionAttributeValues: { ':timer': 'timer' },
        ExclusiveStartKey: start,
      }),
    );
    count += page.Count ?? 0;
    start = page.LastEvaluatedKey as Record<string, unknown> | undefined;
  } while (start);
  return count;
}

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const round = (value: number) => Math.round(value * 100) / 100;
