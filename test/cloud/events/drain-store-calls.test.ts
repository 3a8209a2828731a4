/**
 * What the stack's event drain costs the store for a batch of new orders: the buttons' health
 * records are read in one batched read and the households' notifications written in batched
 * writes (25 a call), not one call per order — and every order still ends with its
 * notification and its button's health record.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { noCrash } from '../../../cloud/local/crash-points.ts';
import { eventDrain } from '../../../cloud/local/event-drain.ts';
import { type DynaliteServer, startDynalite } from '../../../cloud/store/dynamo/dynalite-server.ts';
import { ensureTable, openTable, type Table } from '../../../cloud/store/dynamo/table.ts';
import { dynamoUnderTest } from '../../helpers/stores.ts';
import { BRAND, button, MemoryLog, sku, World } from '../../helpers/world.ts';

const ORDERS = 30;
const HOUSEHOLDS = 3;

/** The store calls that touch items of one kind (sort key prefix), by command. */
class CallsByKind {
  private readonly calls: { command: string; kinds: Set<string> }[] = [];

  attach(table: Table): void {
    table.raw.middlewareStack.add(
      (next, context) => async (args) => {
        this.calls.push({ command: String(context.commandName), kinds: kindsIn(args.input) });
        return next(args);
      },
      { step: 'initialize', name: 'restockCallsByKind' },
    );
  }

  /** Calls of `command` on any item whose sort key starts with `kind`. */
  count(command: string, kind: string): number {
    return this.calls.filter((c) => c.command === command && c.kinds.has(kind)).length;
  }
}

/** The sort key prefixes (`HEALTH`, `NOTE`, …) of every key or item a request names. */
function kindsIn(input: unknown): Set<string> {
  const kinds = new Set<string>();
  const visit = (value: unknown): void => {
    if (Array.isArray(value)) value.forEach(visit);
    else if (value && typeof value === 'object') {
      const sk = (value as { sk?: unknown }).sk;
      const text = typeof sk === 'string' ? sk : (sk as { S?: unknown } | undefined)?.S;
      if (typeof text === 'string') kinds.add(text.split('#')[0] as string);
      else Object.values(value).forEach(visit);
    }
  };
  visit(input);
  return kinds;
}

let server: DynaliteServer;
let folder: string;
beforeAll(async () => {
  server = await startDynalite();
  folder = await mkdtemp(join(tmpdir(), 'restock-drain-calls-'));
});
afterAll(async () => {
  await server.close();
  await rm(folder, { recursive: true, force: true });
});

describe('the event drain', () => {
  it(`reads health and writes notifications per batch, not per order (${ORDERS} new orders)`, async () => {
    const tableName = 'drain-calls';
    const pressing = openTable({ tableName, endpoint: server.endpoint });
    await ensureTable(pressing);
    const store = dynamoUnderTest(pressing);
    await store.putSku(sku());
    const devices = Array.from({ length: ORDERS }, (_, i) => `btn-${i}`);
    for (const [i, deviceId] of devices.entries()) {
      await store.putButton({ ...button(deviceId), householdId: `hh-${i % HOUSEHOLDS}` });
    }
    const world = new World(store, { drain: false });
    for (const deviceId of devices) {
      expect((await world.device(deviceId).press()).outcome).toBe('ORDERED');
    }

    const draining = openTable({ tableName, endpoint: server.endpoint });
    const calls = new CallsByKind();
    calls.attach(draining);
    const drain = eventDrain({
      table: draining,
      dataDir: folder,
      log: new MemoryLog(),
      crash: noCrash,
    });
    while ((await drain()) > 0);

    const healthReads =
      calls.count('GetItemCommand', 'HEALTH') + calls.count('BatchGetItemCommand', 'HEALTH');
    const noteWrites =
      calls.count('PutItemCommand', 'NOTE') + calls.count('BatchWriteItemCommand', 'NOTE');
    expect({ healthReads, noteWrites }).toEqual({
      healthReads: 1,
      noteWrites: Math.ceil(ORDERS / 25),
    });
    // Still one versioned write per button's health record.
    expect(calls.count('PutItemCommand', 'HEALTH')).toBe(ORDERS);

    for (let h = 0; h < HOUSEHOLDS; h++) {
      const notes = await store.api.notifications.listNotifications(`hh-${h}`, { limit: 100 });
      expect(notes.items.map((n) => n.kind)).toEqual(
        Array.from({ length: ORDERS / HOUSEHOLDS }, () => 'OrderPlaced'),
      );
    }
    const health = await store.api.health.listHealth(BRAND, { limit: 100 });
    expect(health.items.map((h) => h.deviceId).sort()).toEqual([...devices].sort());
    expect(health.items.every((h) => h.samples.length === 1)).toBe(true);
    draining.raw.destroy();
    await store.close();
  }, 60_000);
});
