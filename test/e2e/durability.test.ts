/**
 * Durability: `npm start` is killed with SIGKILL in the middle of a burst of presses and started
 * again on the same data folder and ports. The buttons keep retrying (same sequence number,
 * attempt + 1) as the firmware does. Afterwards every press that was answered ORDERED has its
 * order, no order exists twice, and re-sending any press gets its original outcome.
 */
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, describe, expect, it } from 'vitest';
import { BATTERY } from '../../cloud/core/health/battery.ts';
import type { Order } from '../../cloud/core/model.ts';
import { DEFAULT_SETTINGS } from '../../cloud/core/model.ts';
import {
  MemoryButtonStateStore,
  type PressReport,
} from '../../cloud/local/tools/virtual-button.ts';
import { toButtonItem } from '../../cloud/store/dynamo/button-item.ts';
import { DynamoOrderStore } from '../../cloud/store/dynamo/dynamo-order-store.ts';
import { openTable, type Table } from '../../cloud/store/dynamo/table.ts';
import { runtimeOf, type StackProcess, startStackProcess, stopAll } from './stack-process.ts';
import { type ConnectedButton, connectButton, freePorts, tempDir } from './support.ts';

const DEVICES = Array.from({ length: 8 }, (_, i) => `burst-${i + 1}`);
const PRESSES_PER_DEVICE = 10;
const KILL_AFTER_ACKS = 24;
/** How long the stack stays down: long enough that presses in flight time out and are re-sent. */
const DOWN_MS = 1_500;

let data: Awaited<ReturnType<typeof tempDir>> | undefined;
const buttons: ConnectedButton[] = [];

afterAll(async () => {
  await Promise.all(buttons.map((b) => b.close().catch(() => undefined)));
  await stopAll();
  await data?.remove();
});

async function registerBurstButtons(table: Table): Promise<void> {
  for (const deviceId of DEVICES) {
    const item = toButtonItem({
      deviceId,
      brandId: 'acme',
      serial: `SN-${deviceId}`,
      keyVersion: 1,
      householdId: 'hh-demo',
      settings: {
        ...DEFAULT_SETTINGS,
        skuId: 'coffee-1kg',
        acceptedPriceCents: 1299,
        // Every press orders, so every ack of the burst is an ORDERED one.
        maxOpenOrders: 1000,
        burstWindowSeconds: 0,
      },
      highWaterMark: 0,
      open: [],
      lastPressAt: null,
      batteryMv: null,
      createdAt: Date.now(),
    });
    await table.doc.send(
      new PutCommand({ TableName: table.name, Item: item as unknown as Record<string, unknown> }),
    );
  }
}

async function allOrders(table: Table): Promise<Order[]> {
  const store = new DynamoOrderStore(table);
  const orders: Order[] = [];
  let cursor: string | undefined;
  do {
    const page = await store.listHouseholdOrders('hh-demo', { limit: 100, cursor });
    orders.push(...page.items);
    cursor = page.cursor;
  } while (cursor);
  return orders;
}

describe('durability of npm start', () => {
  it('SIGKILL mid-burst: every ORDERED press has its order exactly once; re-sends get the original outcome', async () => {
    data = await tempDir();
    const dataDir = data.dir;
    const ports = await freePorts(3);
    const first = startStackProcess(dataDir, ports);
    const runtime = await runtimeOf(dataDir, first);
    let table = openTable({ tableName: 'restock', endpoint: runtime.dynamodbEndpoint });
    await registerBurstButtons(table);
    table.raw.destroy();

    const states = new Map(DEVICES.map((d) => [d, new MemoryButtonStateStore()]));
    for (const deviceId of DEVICES) {
      buttons.push(
        await connectButton({
          dataDir,
          deviceId,
          port: runtime.mqttPort,
          state: states.get(deviceId),
          ackTimeoutMs: 1_000,
          maxAttempts: 90,
          reconnectMs: 250,
        }),
      );
    }

    const reports: { deviceId: string; report: PressReport; afterKill: boolean }[] = [];
    let killed = false;
    let second: StackProcess | undefined;
    // The crash comes from outside the buttons, whenever enough presses were answered: some
    // presses are then in flight inside the pipeline, some on the wire, some not yet sent.
    const crash = (async () => {
      while (reports.length < KILL_AFTER_ACKS) await new Promise((r) => setTimeout(r, 2));
      first.child.kill('SIGKILL');
      killed = true;
      await first.exited;
      await new Promise((r) => setTimeout(r, DOWN_MS));
      second = startStackProcess(dataDir, ports);
    })();
    const burst = buttons.map(async (b, i) => {
      const deviceId = DEVICES[i] as string;
      for (let n = 0; n < PRESSES_PER_DEVICE; n++) {
        const report = await b.press('SINGLE');
        reports.push({ deviceId, report, afterKill: killed });
      }
    });
    await Promise.all([...burst, crash]);
    expect(killed).toBe(true);
    const restarted = await runtimeOf(dataDir, second as StackProcess);

    // Every press was answered, and in this burst every answer is ORDERED.
    expect(reports).toHaveLength(DEVICES.length * PRESSES_PER_DEVICE);
    expect(reports.filter((r) => r.report.outcome !== 'ORDERED')).toEqual([]);
    // Some presses needed a retry across the crash (the point of the test).
    expect(reports.some((r) => r.report.attempt > 1)).toBe(true);

    table = openTable({ tableName: 'restock', endpoint: restarted.dynamodbEndpoint });
    try {
      const orders = (await allOrders(table)).filter((o) => o.deviceId.startsWith('burst-'));
      const ids = orders.map((o) => o.orderId);
      expect(new Set(ids).size).toBe(ids.length);
      const ordered = reports.map((r) => r.report.orderId).sort();
      expect([...ids].sort()).toEqual(ordered);
      for (const r of reports) {
        expect(r.report.orderId).toBe(`${r.deviceId}-${r.report.seq}`);
      }
    } finally {
      table.raw.destroy();
    }

    // Re-send every press (same seq, next attempt): the original outcome and order come back.
    for (const [i, b] of buttons.entries()) {
      const deviceId = DEVICES[i] as string;
      const state = states.get(deviceId) as MemoryButtonStateStore;
      for (const { report } of reports.filter((r) => r.deviceId === deviceId)) {
        await state.save(deviceId, {
          seq: PRESSES_PER_DEVICE,
          pending: {
            seq: report.seq,
            click: 'SINGLE',
            batteryMv: BATTERY.HEALTHY_MV,
            attempt: report.attempt,
          },
        });
        const again = await b.button.resendPending();
        expect(again).toMatchObject({
          seq: report.seq,
          outcome: report.outcome,
          orderId: report.orderId,
        });
      }
    }

    // And the restarted stack still shuts down cleanly.
    (second as StackProcess).child.kill('SIGTERM');
    expect(await (second as StackProcess).exited).toEqual({ code: 0, signal: null });
  }, 180_000);
});
