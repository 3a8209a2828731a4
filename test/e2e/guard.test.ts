import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LocalIssuer } from '../../cloud/core/auth/local-issuer.ts';
import { wallClock } from '../../cloud/core/guard/local-time.ts';
import { type ButtonSettings, DEFAULT_SETTINGS } from '../../cloud/core/model.ts';
import { systemClock } from '../../cloud/core/ports.ts';
import { DEMO } from '../../cloud/local/demo.ts';
import { localPipeline } from '../../cloud/local/pipeline.ts';
import { type RunningStack, startStack } from '../../cloud/local/stack.ts';
import { DynamoButtonStore } from '../../cloud/store/dynamo/dynamo-button-store.ts';
import {
  deliveredHistory as historyOf,
  pressTimes,
  quietLog,
  stackConfig,
  tempDir,
} from './support.ts';

let data: Awaited<ReturnType<typeof tempDir>>;
let stack: RunningStack;
let householdToken: string;
let api: string;
const log = quietLog();

beforeAll(async () => {
  data = await tempDir();
  stack = await startStack(stackConfig(data.dir), { log, pipeline: localPipeline });
  api = `http://127.0.0.1:${stack.runtime.httpPort}`;
  householdToken = await (await LocalIssuer.open(data.dir, systemClock)).sign({
    role: 'household',
    tenant: DEMO.householdId,
  });
});

afterAll(async () => {
  await stack?.close();
  await data?.remove();
});

interface OrderView {
  orderId: string;
  deviceId: string;
  status: string;
  guard?: { reason: string; usualIntervalDays: number | null; daysSinceLast: number | null };
}

async function call<T = Record<string, unknown>>(method: string, path: string, body?: unknown) {
  const response = await fetch(`${api}${path}`, {
    method,
    headers: { authorization: `Bearer ${householdToken}`, 'content-type': 'application/json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  return { status: response.status, body: (await response.json()) as T };
}

/** A demo-household button for coffee, with its settings changed through the API. */
async function newButton(deviceId: string, settings: Partial<ButtonSettings> = {}) {
  const buttons = new DynamoButtonStore(stack.table);
  await buttons.createButton(
    {
      deviceId,
      brandId: DEMO.brandId,
      serial: `SN-${deviceId}`,
      keyVersion: 1,
      householdId: null,
      settings: { ...DEFAULT_SETTINGS, skuId: 'coffee-1kg' },
      highWaterMark: 0,
      open: [],
      lastPressAt: null,
      batteryMv: null,
      createdAt: Date.now(),
    },
    `hash-${deviceId}`,
  );
  await buttons.assignHousehold(deviceId, DEMO.householdId);
  if (Object.keys(settings).length > 0) {
    const changed = await call('PATCH', `/v1/household/buttons/${deviceId}/settings`, settings);
    expect(changed.status).toBe(200);
  }
}

const deliveredHistory = (deviceId: string, daysAgo: number[]) =>
  historyOf(stack, data.dir, DEMO.brandId, deviceId, daysAgo);

const pressThroughBroker = (deviceId: string, times = 1) =>
  pressTimes(stack, data.dir, deviceId, times);

async function ordersOf(deviceId: string) {
  const page = await call<{ items: OrderView[] }>('GET', '/v1/household/orders?limit=100');
  return page.body.items.filter((order) => order.deviceId === deviceId);
}

describe('accidental orders caught before they ship, end to end', () => {
  it('holds a press 2 days after the last delivery of a 20-day rhythm, explains why, and places it once confirmed', async () => {
    await newButton('guard-early');
    const seq = await deliveredHistory('guard-early', [62, 42, 22, 2]);
    const [held] = await pressThroughBroker('guard-early');
    expect(held).toMatchObject({ seq: seq + 1, outcome: 'NEEDS_CONFIRMATION' });
    const orderId = held?.orderId as string;

    const order = await call<OrderView>('GET', `/v1/household/orders/${orderId}`);
    expect(order.body).toMatchObject({
      status: 'NEEDS_CONFIRMATION',
      guard: { reason: 'EARLY_REORDER', usualIntervalDays: 20, daysSinceLast: 2 },
    });
    await stack.drainOutbox(); // notifications come from the outbox relay
    const notes = await call<{ items: { orderId: string; texts: unknown }[] }>(
      'GET',
      '/v1/household/notifications?limit=100',
    );
    const note = notes.body.items.find((n) => n.orderId === orderId);
    expect(note?.texts).toEqual({
      en: 'You usually order Coffee beans 1 kg every 20 days; the last order was 2 days ago. Confirm or ignore.',
      fr: 'Vous commandez habituellement Coffee beans 1 kg tous les 20 jours ; la dernière commande date d’avant-hier. Confirmez ou ignorez.',
    });

    const confirmed = await call<OrderView>('POST', `/v1/household/orders/${orderId}/confirm`);
    expect(confirmed.body.status).toBe('PLACED');
  });

  it('orders the same early press when the household switched learning off', async () => {
    await newButton('guard-unlearned', { learnRhythm: false });
    await deliveredHistory('guard-unlearned', [62, 42, 22, 2]);
    const [press] = await pressThroughBroker('guard-unlearned');
    expect(press?.outcome).toBe('ORDERED');
  });

  it('child lock "disabled": presses order nothing; "confirm": one held order, then IN_PROGRESS', async () => {
    await newButton('guard-locked', { childLock: 'disabled' });
    const refused = await pressThroughBroker('guard-locked', 2);
    expect(refused.map((r) => r.outcome)).toEqual(['REJECTED', 'REJECTED']);
    expect(await ordersOf('guard-locked')).toEqual([]);

    await newButton('guard-confirm', { childLock: 'confirm' });
    const held = await pressThroughBroker('guard-confirm', 2);
    expect(held.map((r) => r.outcome)).toEqual(['NEEDS_CONFIRMATION', 'IN_PROGRESS']);
    const orders = await ordersOf('guard-confirm');
    expect(orders.map((o) => o.status)).toEqual(['NEEDS_CONFIRMATION']);
  });

  for (const [side, timeZone] of [
    ['east', 'Asia/Tokyo'],
    ['west', 'America/Los_Angeles'],
  ] as const) {
    it(`quiet hours follow the household's time zone ${side} of UTC (${timeZone})`, async () => {
      const quiet = `guard-quiet-${side}`;
      await newButton(quiet, {
        timeZone,
        quietHours: {
          from: wallClock(Date.now() - 60 * 60_000, timeZone),
          to: wallClock(Date.now() + 60 * 60_000, timeZone),
        },
      });
      const [held] = await pressThroughBroker(quiet);
      expect(held?.outcome).toBe('NEEDS_CONFIRMATION');
      const order = await call<OrderView>('GET', `/v1/household/orders/${held?.orderId}`);
      expect(order.body.guard?.reason).toBe('QUIET_HOURS');
      expect(await ordersOf(quiet)).toHaveLength(1);

      const awake = `guard-awake-${side}`;
      await newButton(awake, {
        timeZone,
        quietHours: {
          from: wallClock(Date.now() + 120 * 60_000, timeZone),
          to: wallClock(Date.now() + 180 * 60_000, timeZone),
        },
      });
      expect((await pressThroughBroker(awake))[0]?.outcome).toBe('ORDERED');
    });
  }

  it('a burst of 5 presses is one intent: one order, even with room for three', async () => {
    // A minute's window, so a slow shared machine cannot stretch five presses past it.
    await newButton('guard-burst', { maxOpenOrders: 3, burstWindowSeconds: 60 });
    const burst = await pressThroughBroker('guard-burst', 5);
    expect(burst.map((r) => r.outcome)).toEqual([
      'ORDERED',
      'IN_PROGRESS',
      'IN_PROGRESS',
      'IN_PROGRESS',
      'IN_PROGRESS',
    ]);
    expect(await ordersOf('guard-burst')).toHaveLength(1);
    // Support sees the order the burst repeated, once, with the reason: the flag follows the
    // ack, written by the commit relay.
    await stack.drainOutbox();
    const supportToken = await (await LocalIssuer.open(data.dir, systemClock)).sign({
      role: 'support',
      tenant: 'support',
    });
    const queue = await fetch(`${api}/v1/support/flagged-orders?limit=100`, {
      headers: { authorization: `Bearer ${supportToken}` },
    });
    const { items } = (await queue.json()) as { items: OrderView[] };
    expect(
      items.filter((o) => o.deviceId === 'guard-burst').map((o) => [o.orderId, o.guard?.reason]),
    ).toEqual([[burst[0]?.orderId, 'BURST']]);
  });
});
