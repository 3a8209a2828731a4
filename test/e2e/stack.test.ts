/**
 * The embedded stack end to end, as a user drives it: virtual presses through the broker, the
 * topic rule and the real press pipeline on dynalite, answered with signed acks; orders visible
 * in the store; notifications in the outbox; a clean restart keeps everything.
 */
import { spawn } from 'node:child_process';
import { access, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LocalIssuer, type TokenRequest } from '../../cloud/core/auth/local-issuer.ts';
import { systemClock } from '../../cloud/core/ports.ts';
import { localPipeline } from '../../cloud/local/pipeline.ts';
import { RUNTIME_FILE, type RunningStack, startStack } from '../../cloud/local/stack.ts';
import { DynamoOrderStore } from '../../cloud/store/dynamo/dynamo-order-store.ts';
import { connectButton, quietLog, stackConfig, tempDir } from './support.ts';

let data: Awaited<ReturnType<typeof tempDir>>;
let stack: RunningStack;
const log = quietLog();

async function issuerToken(request: TokenRequest): Promise<string> {
  return (await LocalIssuer.open(data.dir, systemClock)).sign(request);
}
const householdToken = () => issuerToken({ role: 'household', tenant: 'hh-demo' });
/** The JSON body of a GET with a bearer token. */
async function getJson<T = { items: Record<string, unknown>[] }>(
  url: string,
  token: string,
): Promise<T> {
  return (await (await fetch(url, auth(token))).json()) as T;
}
const auth = (token: string) => ({ headers: { authorization: `Bearer ${token}` } });

beforeAll(async () => {
  data = await tempDir();
  stack = await startStack(stackConfig(data.dir), { log, pipeline: localPipeline });
});

afterAll(async () => {
  await stack?.close();
  await data?.remove();
});

describe('npm start, end to end', () => {
  it('press → ORDERED with a visible order; again → IN_PROGRESS; LONG → CANCELLED', async () => {
    const demo = await connectButton({
      dataDir: data.dir,
      deviceId: 'demo-1',
      port: stack.runtime.mqttPort,
    });
    try {
      const first = await demo.press();
      expect(first).toMatchObject({ seq: 1, outcome: 'ORDERED', orderId: 'demo-1-1' });
      const orders = new DynamoOrderStore(stack.table);
      expect(await orders.getOrder('demo-1-1')).toMatchObject({
        status: 'PLACED',
        householdId: 'hh-demo',
        skuId: 'coffee-1kg',
        unitPriceCents: 1299,
      });
      const page = await orders.listHouseholdOrders('hh-demo', { limit: 10 });
      expect(page.items.map((o) => o.orderId)).toContain('demo-1-1');

      expect(await demo.press()).toMatchObject({ seq: 2, outcome: 'IN_PROGRESS', orderId: null });

      expect(await demo.press('LONG')).toMatchObject({
        seq: 3,
        outcome: 'CANCELLED',
        orderId: 'demo-1-1',
      });
      expect(await orders.getOrder('demo-1-1')).toMatchObject({ status: 'CANCELLED' });
    } finally {
      await demo.close();
    }
    await stack.drainOutbox();
    const outbox = (await readFile(join(data.dir, 'outbox.jsonl'), 'utf8')).trim().split('\n');
    expect(outbox.map((line) => JSON.parse(line).kind)).toEqual(['OrderPlaced', 'OrderCancelled']);
  });

  it('works the same over mutual TLS with a device certificate from the development CA', async () => {
    const demo = await connectButton({
      dataDir: data.dir,
      deviceId: 'demo-2',
      port: stack.runtime.mqttPort,
      tls: { port: stack.runtime.mqttTlsPort },
    });
    try {
      expect(await demo.press()).toMatchObject({ outcome: 'ORDERED', orderId: 'demo-2-1' });
    } finally {
      await demo.close();
    }
  });

  it('answers an unclaimed demo button with UNBOUND', async () => {
    const demo = await connectButton({
      dataDir: data.dir,
      deviceId: 'demo-3',
      port: stack.runtime.mqttPort,
    });
    try {
      expect(await demo.press()).toMatchObject({ outcome: 'UNBOUND', orderId: null });
    } finally {
      await demo.close();
    }
  });

  it('the household sees its orders and notifications through the HTTP API', async () => {
    const api = `http://127.0.0.1:${stack.runtime.httpPort}`;
    const token = await householdToken();
    const orders = await getJson(`${api}/v1/household/orders`, token);
    expect(orders.items.map((o) => [o.orderId, o.status])).toEqual(
      expect.arrayContaining([
        ['demo-1-1', 'CANCELLED'],
        ['demo-2-1', 'PLACED'],
      ]),
    );
    await stack.drainOutbox();
    const notes = await getJson(`${api}/v1/household/notifications`, token);
    expect(notes.items.map((n) => `${n.kind} ${n.orderId}`)).toEqual(
      expect.arrayContaining([
        'OrderPlaced demo-1-1',
        'OrderCancelled demo-1-1',
        'OrderPlaced demo-2-1',
      ]),
    );
    const other = await issuerToken({ role: 'household', tenant: 'hh-other' });
    const foreign = await fetch(`${api}/v1/household/orders/demo-1-1`, auth(other));
    expect(foreign.status).toBe(404);
  });

  it('claiming demo-3 over HTTP and accepting its terms makes it order; the sweep confirms it after its window and notifies', async () => {
    const api = `http://127.0.0.1:${stack.runtime.httpPort}`;
    const token = await householdToken();
    const code = /claim code ([0-9A-Z-]+)/.exec(stack.demo.join('\n'))?.[1];
    expect(code).toBeDefined();
    const claimed = await fetch(`${api}/v1/household/claims`, {
      method: 'POST',
      headers: { ...auth(token).headers, 'content-type': 'application/json' },
      body: JSON.stringify({ claimCode: code }),
    });
    expect(claimed.status).toBe(201);
    const patched = await fetch(`${api}/v1/household/buttons/demo-3/settings`, {
      method: 'PATCH',
      headers: { ...auth(token).headers, 'content-type': 'application/json' },
      body: JSON.stringify({ cancelWindowMinutes: 0 }),
    });
    expect(patched.status).toBe(200);
    const terms = await getJson<{ unitPriceCents: number }>(
      `${api}/v1/household/buttons/demo-3/terms`,
      token,
    );
    const accepted = await fetch(`${api}/v1/household/buttons/demo-3/terms`, {
      method: 'POST',
      headers: { ...auth(token).headers, 'content-type': 'application/json' },
      body: JSON.stringify({ priceCents: terms.unitPriceCents }),
    });
    expect(accepted.status).toBe(200);

    const demo = await connectButton({
      dataDir: data.dir,
      deviceId: 'demo-3',
      port: stack.runtime.mqttPort,
    });
    let orderId: string | null;
    try {
      const report = await demo.press();
      expect(report).toMatchObject({ outcome: 'ORDERED' });
      orderId = report.orderId;
    } finally {
      await demo.close();
    }
    await new Promise((resolve) => setTimeout(resolve, 5));
    await stack.sweepOnce();
    const order = await getJson<Record<string, unknown>>(
      `${api}/v1/household/orders/${orderId}`,
      token,
    );
    expect(order).toMatchObject({ orderId, status: 'CONFIRMED' });
    await stack.drainOutbox();
    const outbox = (await readFile(join(data.dir, 'outbox.jsonl'), 'utf8')).trim().split('\n');
    expect(JSON.parse(outbox.at(-1) as string)).toMatchObject({
      kind: 'OrderConfirmed',
      orderId,
      to: ['household', 'brand'],
    });
    const brand = await issuerToken({ role: 'brand', tenant: 'acme' });
    const feed = await getJson(`${api}/v1/brand/fulfilment`, brand);
    expect(feed.items.map((o) => o.orderId)).toContain(orderId);
    // The claim and the press reached fleet health through the relay (no extra press-path call).
    const health = await getJson<{ buttons: Record<string, unknown>[] }>(
      `${api}/v1/brand/health?limit=100`,
      brand,
    );
    expect(health.buttons.find((b) => b.deviceId === 'demo-3')).toMatchObject({
      claimed: true,
      keyVersion: expect.any(Number),
      batteryMv: expect.any(Number),
      lastPressAt: expect.any(Number),
      status: expect.any(String),
    });
  });

  it('npm run press prints the outcome and order id', async () => {
    const run = await new Promise<{ code: number | null; out: string; err: string }>((resolve) => {
      const child = spawn(
        process.execPath,
        [
          '--import',
          'tsx',
          'cloud/local/tools/press-cli.ts',
          'demo-2',
          '--click',
          'long',
          '--data-dir',
          data.dir,
        ],
        { stdio: ['ignore', 'pipe', 'pipe'] },
      );
      let out = '';
      let err = '';
      child.stdout.on('data', (c) => {
        out += c;
      });
      child.stderr.on('data', (c) => {
        err += c;
      });
      child.on('close', (code) => resolve({ code, out, err }));
    });
    expect(run.err).toBe('');
    expect(run.code).toBe(0);
    // The CLI continues the counter the earlier presses left in the data folder.
    expect(run.out).toMatch(
      /^demo-2 press 2 LONG → CANCELLED, order demo-2-1 \(attempt 1, \d+ ms, ack signature verified\)$/m,
    );
  });

  it('a clean stop and restart keeps orders and the data folder', async () => {
    await stack.close();
    await expect(access(join(data.dir, RUNTIME_FILE))).rejects.toThrow();
    stack = await startStack(stackConfig(data.dir), { log, pipeline: localPipeline });
    const orders = new DynamoOrderStore(stack.table);
    expect(await orders.getOrder('demo-1-1')).toMatchObject({ status: 'CANCELLED' });
    expect(await orders.getOrder('demo-2-1')).toMatchObject({ status: 'CANCELLED' });
    expect(stack.demo.length).toBeGreaterThan(0);
  });
});
