/**
 * Fuzzing the press topic of the running stack: hostile payloads — fast-check's
 * arbitrary JSON, strings and bytes, and mutations of a valid signed press (bit flips,
 * truncation, duplicated fields, huge numbers, unicode, nested JSON, non-JSON) — published through
 * the broker on a device's own press topic, authenticated as that device. The stack must not
 * crash, must create no order, and must log every refusal with a reason; the device's press log
 * records them within the rejection budget (cloud/core/press/rejection-budget.ts). Mutations that happen to still be a genuine signed press (JSON whitespace
 * or key order, say) are not hostile and are not sent.
 *
 * Size: RESTOCK_FUZZ_PAYLOADS (default 10 000); RESTOCK_FUZZ_SEED picks another run.
 */
import { QueryCommand, ScanCommand } from '@aws-sdk/lib-dynamodb';
import fc from 'fast-check';
import { connect, type MqttClient } from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  decodePress,
  encodePress,
  mqttPasswordFor,
  pressTopic,
  signPress,
  verifyPress,
} from '#shared/index';
import { DEFAULT_REJECTION_LIMITS } from '../../cloud/core/press/rejection-budget.ts';
import { nodeSha256 } from '../../cloud/core/sha256.ts';
import { localPipeline } from '../../cloud/local/pipeline.ts';
import { type RunningStack, startStack } from '../../cloud/local/stack.ts';
import { connectButton, quietLog, stackConfig, tempDir } from './support.ts';

const COUNT = Number(process.env.RESTOCK_FUZZ_PAYLOADS ?? 10_000);
const SEED = Number(process.env.RESTOCK_FUZZ_SEED ?? 20_261_123);
const DEVICE = 'demo-1';

let data: Awaited<ReturnType<typeof tempDir>>;
let stack: RunningStack;
const log = quietLog();

beforeAll(async () => {
  data = await tempDir();
  stack = await startStack(stackConfig(data.dir), { log, pipeline: localPipeline });
});

afterAll(async () => {
  await stack?.close();
  await data?.remove();
});

/** Deterministic pseudo-random numbers (mulberry32). */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const HUGE = [
  '1e308',
  '-1e308',
  '1e400',
  '9007199254740993',
  '99999999999999999999999999',
  '-1',
  '0',
  '2147483648',
  '4294967296',
  '-0',
  '0.5',
  '1e-400',
  'NaN',
  'Infinity',
];
const UNICODE = [
  '\u0000',
  '\ud800',
  '\udfff',
  '\u202e',
  '\ufeff',
  'é',
  '𝕊',
  '😀',
  '\u200b',
  '\\u0000',
  '\\ud800',
  'Ω',
  '\u0085',
  '\u2028',
];
const FIELDS = ['v', 'device', 'seq', 'click', 'battery_mv', 'attempt', 'kv', 'sig'];

/** One mutation of a valid press's bytes; `kind` names the family for the summary. */
function mutate(valid: string, rand: () => number): { kind: string; payload: Buffer } {
  const pick = <T>(list: readonly T[]) => list[Math.floor(rand() * list.length)] as T;
  const int = (n: number) => Math.floor(rand() * n);
  const obj = JSON.parse(valid) as Record<string, unknown>;
  switch (int(9)) {
    case 0: {
      const bytes = Buffer.from(valid);
      const flips = 1 + int(3);
      for (let i = 0; i < flips; i++) {
        const at = int(bytes.length);
        bytes[at] = (bytes[at] as number) ^ (1 << int(8));
      }
      return { kind: 'bit flip', payload: bytes };
    }
    case 1:
      return { kind: 'truncation', payload: Buffer.from(valid).subarray(0, int(valid.length)) };
    case 2: {
      // A field twice (JSON.parse keeps the last one): another value after the signed one.
      const field = pick(FIELDS);
      const value = pick([
        '1',
        '2',
        '"demo-2"',
        '"DOUBLE"',
        'null',
        '[]',
        '{}',
        '"x"',
        String(int(1e6)),
      ]);
      const body = valid.slice(0, -1);
      return {
        kind: 'duplicated field',
        payload: Buffer.from(`${body},"${field}":${value}}`),
      };
    }
    case 3: {
      const field = pick(['seq', 'battery_mv', 'attempt', 'kv', 'v']);
      const text = valid.replace(new RegExp(`"${field}":-?[0-9.e+]+`), `"${field}":${pick(HUGE)}`);
      return { kind: 'huge number', payload: Buffer.from(text) };
    }
    case 4: {
      const field = pick(['device', 'click', 'sig']);
      const value = String(obj[field]);
      const at = int(value.length + 1);
      const changed = value.slice(0, at) + pick(UNICODE) + value.slice(at);
      return {
        kind: 'unicode',
        payload: Buffer.from(JSON.stringify({ ...obj, [field]: changed })),
      };
    }
    case 5: {
      const field = pick(FIELDS);
      const depth = 1 + int(rand() < 0.1 ? 5000 : 20);
      let nested: unknown = obj[field];
      for (let i = 0; i < depth; i++) nested = rand() < 0.5 ? [nested] : { [field]: nested };
      let text: string;
      try {
        text = JSON.stringify(rand() < 0.5 ? { ...obj, [field]: nested } : nested);
      } catch {
        text = '['.repeat(depth);
      }
      return { kind: 'nested JSON', payload: Buffer.from(text) };
    }
    case 6: {
      const bytes = Buffer.alloc(int(300));
      for (let i = 0; i < bytes.length; i++) bytes[i] = int(256);
      return { kind: 'non-JSON', payload: bytes };
    }
    case 7: {
      // A field missing, or given the wrong type.
      const field = pick(FIELDS);
      const copy: Record<string, unknown> = { ...obj };
      if (rand() < 0.5) delete copy[field];
      else copy[field] = pick([null, true, 'x', 1.5, [], {}, -7, '', '1']);
      return { kind: 'field removed or retyped', payload: Buffer.from(JSON.stringify(copy)) };
    }
    default: {
      const text = valid.repeat(1 + int(3)) + 'x'.repeat(int(4000));
      return { kind: 'oversized', payload: Buffer.from(text) };
    }
  }
}

/** fast-check's own hostile inputs: any JSON value, any string, any bytes, press-shaped objects. */
function arbitraryPayloads(count: number, seed: number): { kind: string; payload: Buffer }[] {
  const pressShaped = fc.record(
    {
      v: fc.oneof(fc.constant(1), fc.anything()),
      device: fc.oneof(fc.constant(DEVICE), fc.constant('demo-2'), fc.string()),
      seq: fc.oneof(fc.integer(), fc.double(), fc.anything()),
      click: fc.oneof(fc.constantFrom('SINGLE', 'DOUBLE', 'LONG'), fc.string()),
      battery_mv: fc.oneof(fc.integer(), fc.anything()),
      attempt: fc.oneof(fc.integer(), fc.anything()),
      kv: fc.oneof(fc.constant(1), fc.integer(), fc.anything()),
      sig: fc.oneof(
        fc.string({ unit: fc.constantFrom(...'0123456789abcdef'), minLength: 32, maxLength: 32 }),
        fc.string(),
      ),
    },
    { requiredKeys: [] },
  );
  const arb = fc.oneof(
    fc.jsonValue().map((v) => ({ kind: 'fc json', payload: Buffer.from(JSON.stringify(v)) })),
    fc.string({ unit: 'binary' }).map((s) => ({ kind: 'fc string', payload: Buffer.from(s) })),
    fc.uint8Array({ maxLength: 400 }).map((b) => ({ kind: 'fc bytes', payload: Buffer.from(b) })),
    pressShaped.map((p) => ({ kind: 'fc press-shaped', payload: Buffer.from(JSON.stringify(p)) })),
  );
  return fc.sample(arb, { numRuns: count, seed });
}

async function connectAs(deviceId: string): Promise<MqttClient> {
  const key = (await stack.keySource.deviceKey(deviceId, 1)) as Uint8Array;
  const client = connect(`mqtt://127.0.0.1:${stack.runtime.mqttPort}`, {
    protocolVersion: 4,
    clientId: deviceId,
    username: deviceId,
    password: mqttPasswordFor(nodeSha256, key),
    reconnectPeriod: 0,
  });
  await new Promise<void>((resolve, reject) => {
    client.once('connect', () => resolve());
    client.once('error', reject);
  });
  return client;
}

const refusals = () =>
  log.lines.filter(
    (l) =>
      l.startsWith('warn press refused ') ||
      (l.startsWith('info press ') && l.includes('"outcome":"REJECTED"')),
  );

async function countItems(filter: (item: Record<string, unknown>) => boolean): Promise<number> {
  let n = 0;
  let start: Record<string, unknown> | undefined;
  do {
    const page = await stack.table.doc.send(
      new ScanCommand({ TableName: stack.table.name, ExclusiveStartKey: start }),
    );
    n += (page.Items ?? []).filter((i) => filter(i as Record<string, unknown>)).length;
    start = page.LastEvaluatedKey as Record<string, unknown> | undefined;
  } while (start);
  return n;
}

describe('fuzzing the press topic through the broker', () => {
  it(`${COUNT} hostile payloads as ${DEVICE} on its own topic: no crash, no order, every refusal logged with a reason`, async () => {
    const key = (await stack.keySource.deviceKey(DEVICE, 1)) as Uint8Array;
    const press = signPress(nodeSha256, key, {
      device: DEVICE,
      seq: 1,
      click: 'SINGLE',
      battery_mv: 3000,
      attempt: 1,
      kv: 1,
    });
    const valid = encodePress(press);
    const rand = prng(SEED);
    const fromFc = arbitraryPayloads(Math.ceil(COUNT / 4), SEED);
    const payloads: { kind: string; payload: Buffer }[] = [];
    let genuine = 0;
    let i = 0;
    while (payloads.length < COUNT) {
      const next = i % 4 === 0 && i / 4 < fromFc.length ? fromFc[i / 4] : mutate(valid, rand);
      i++;
      if (!next) continue;
      // Not hostile: still a correctly signed press of this device (e.g. reordered keys).
      const decoded = decodePress(next.payload.toString('utf8'));
      if (
        decoded.ok &&
        decoded.message.device === DEVICE &&
        decoded.message.kv === 1 &&
        verifyPress(nodeSha256, key, decoded.message)
      ) {
        genuine++;
        continue;
      }
      payloads.push(next);
    }
    expect(payloads).toHaveLength(COUNT);
    const kinds: Record<string, number> = {};
    for (const p of payloads) kinds[p.kind] = (kinds[p.kind] ?? 0) + 1;

    const before = refusals().length;
    const startedAt = Date.now();
    const client = await connectAs(DEVICE);
    try {
      // Paced: at most 256 payloads ahead of the pipeline.
      for (const [n, p] of payloads.entries()) {
        await client.publishAsync(pressTopic(DEVICE), p.payload, { qos: 1 });
        while (n - (refusals().length - before) > 256) await new Promise((r) => setTimeout(r, 5));
      }
      const deadline = Date.now() + 60_000;
      while (refusals().length - before < COUNT && Date.now() < deadline) {
        await new Promise((r) => setTimeout(r, 20));
      }
    } finally {
      await client.endAsync(true);
    }
    const elapsedMs = Date.now() - startedAt;

    const refused = refusals().slice(before);
    // Every payload was refused exactly once, with a reason, and nothing failed inside.
    expect(refused).toHaveLength(COUNT);
    expect(refused.filter((l) => !/"reason":"[A-Z_]+"/.test(l))).toEqual([]);
    expect(log.lines.filter((l) => l.startsWith('error '))).toEqual([]);
    const reasons: Record<string, number> = {};
    for (const l of refused) {
      const reason = /"reason":"([A-Z_]+)"/.exec(l)?.[1] as string;
      reasons[reason] = (reasons[reason] ?? 0) + 1;
    }
    // No order anywhere, the button untouched (high-water mark 0), and the press log holding
    // exactly the refusals whose log line says they were recorded: no more than the budget.
    expect(await countItems((item) => item.type === 'order')).toBe(0);
    // A query reads at most 1 MB per page: count across every page.
    let recorded = 0;
    let start: Record<string, unknown> | undefined;
    do {
      const page = await stack.table.doc.send(
        new QueryCommand({
          TableName: stack.table.name,
          KeyConditionExpression: 'pk = :pk AND begins_with(sk, :rej)',
          ExpressionAttributeValues: { ':pk': `BTN#${DEVICE}`, ':rej': 'REJ#' },
          Select: 'COUNT',
          ExclusiveStartKey: start,
        }),
      );
      recorded += page.Count ?? 0;
      start = page.LastEvaluatedKey;
    } while (start);
    const { perDevice } = DEFAULT_REJECTION_LIMITS;
    expect(recorded).toBe(refused.filter((l) => l.includes('"recorded":true')).length);
    expect(recorded).toBeGreaterThanOrEqual(perDevice.burst);
    expect(recorded).toBeLessThanOrEqual(
      perDevice.burst + Math.ceil(elapsedMs / perDevice.refillMs),
    );
    const button = await stack.table.doc.send(
      new QueryCommand({
        TableName: stack.table.name,
        KeyConditionExpression: 'pk = :pk AND sk = :meta',
        ExpressionAttributeValues: { ':pk': `BTN#${DEVICE}`, ':meta': 'META' },
      }),
    );
    expect(button.Items?.[0]?.hwm ?? 0).toBe(0);
    console.info(
      `fuzz: ${COUNT} hostile payloads (${genuine} genuine mutations skipped), seed ${SEED}\n` +
        `  families: ${JSON.stringify(kinds)}\n  reasons: ${JSON.stringify(reasons)}`,
    );

    // Still alive: the device's real first press orders.
    const demo = await connectButton({
      dataDir: data.dir,
      deviceId: DEVICE,
      port: stack.runtime.mqttPort,
    });
    try {
      expect(await demo.press()).toMatchObject({ seq: 1, outcome: 'ORDERED' });
    } finally {
      await demo.close();
    }
  }, 240_000);
});
