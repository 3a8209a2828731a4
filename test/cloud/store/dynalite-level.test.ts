/**
 * The repairs to the LevelDB under the local store (dynalite-server.ts):
 * - the LevelDB iterator of every Query and Scan is closed once answered: an iterator left open
 *   pins the table files of its moment, so compaction deletes none and the store grows without
 *   end on disk and in mapped memory;
 * - LevelDB keeps a bounded number of table files open (each is mapped into memory and counts
 *   in the process's RSS), not its default of 1 000;
 * - reads are made on the store's own thread: a read handed to the thread pool woke a pool
 *   thread, which on a busy machine cost the store's thread its core for longer than the read.
 *   Reads still see every write before them, and conditions still hold against the latest item.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  GetCommand,
  PutCommand,
  QueryCommand,
  ScanCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, expect, it, vi } from 'vitest';
import {
  type DynaliteServer,
  requireBesideLevel,
  startDynalite,
} from '../../../cloud/store/dynamo/dynalite-server.ts';
import { ensureTable, openTable, type Table } from '../../../cloud/store/dynamo/table.ts';

type Iterator = { _close(): Promise<void> };
type Make = (this: unknown, ...args: unknown[]) => Iterator;
type Read = (...args: unknown[]) => unknown;

/** Counts the iterators LevelDB hands out and those closed again. */
function countIterators() {
  const { ClassicLevel } = requireBesideLevel()('./index.js') as {
    ClassicLevel: { prototype: Record<string, Make> };
  };
  const count = { opened: 0, closed: 0 };
  for (const method of ['_iterator', '_keys', '_values']) {
    const make = ClassicLevel.prototype[method] as Make;
    ClassicLevel.prototype[method] = function (...args) {
      const iterator = make.apply(this, args);
      count.opened++;
      const close = iterator._close.bind(iterator);
      iterator._close = () => {
        count.closed++;
        return close();
      };
      return iterator;
    };
  }
  return count;
}

/** Counts LevelDB's reads by kind: handed to the thread pool, or made on the calling thread. */
function countReads() {
  const binding = requireBesideLevel()('./binding.js') as Record<string, Read>;
  const count = { pooled: 0, onThread: 0 };
  const wrap = (name: string, kind: keyof typeof count) => {
    const read = binding[name] as Read;
    binding[name] = (...args) => {
      count[kind]++;
      return read(...args);
    };
  };
  wrap('db_get', 'pooled');
  wrap('db_get_sync', 'onThread');
  return count;
}

/** The options LevelDB's native open was given, for each store opened. */
function recordOpens() {
  const binding = requireBesideLevel()('./binding.js') as Record<string, Read>;
  const opened: Record<string, unknown>[] = [];
  const open = binding.db_open as Read;
  binding.db_open = (...args) => {
    opened.push(args[2] as Record<string, unknown>);
    return open(...args);
  };
  return opened;
}

const iterators = countIterators();
const reads = countReads();
const opens = recordOpens();
let folder: string;
let server: DynaliteServer;
let table: Table;

beforeAll(async () => {
  folder = await mkdtemp(join(tmpdir(), 'restock-level-'));
  server = await startDynalite({ path: folder });
  table = openTable({ tableName: 'restock-level', endpoint: server.endpoint });
  await ensureTable(table);
  for (let i = 0; i < 30; i++) {
    await table.doc.send(
      new PutCommand({ TableName: table.name, Item: { pk: 'HH#h', sk: `NOTE#${i}` } }),
    );
  }
});

afterAll(async () => {
  table.raw.destroy();
  await server.close();
  await rm(folder, { recursive: true, force: true });
});

it('opens LevelDB with a bounded table cache', () => {
  expect(opens).toHaveLength(1);
  expect(opens[0]?.maxOpenFiles).toBeGreaterThanOrEqual(64);
  expect(opens[0]?.maxOpenFiles).toBeLessThanOrEqual(256);
});

it('closes the iterator of every query and scan, whole or cut short by its limit', async () => {
  const before = { ...iterators };
  const query = (Limit?: number) =>
    table.doc.send(
      new QueryCommand({
        TableName: table.name,
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': 'HH#h' },
        Limit,
      }),
    );
  for (let i = 0; i < 20; i++) {
    expect((await query(5)).Items).toHaveLength(5);
    expect((await query()).Items).toHaveLength(30);
    await table.doc.send(new ScanCommand({ TableName: table.name, Limit: 3 }));
  }
  const opened = iterators.opened - before.opened;
  expect(opened).toBeGreaterThanOrEqual(60);
  // Closing is asynchronous: the last ones may still be on their way.
  await vi.waitFor(() => expect(iterators.closed - before.closed).toBe(opened), { timeout: 5_000 });
});

it('reads on the store’s thread, and every read and condition sees the latest write', async () => {
  const before = { ...reads };
  const key = { pk: 'BTN#b', sk: 'META' };
  const get = async () =>
    (
      await table.doc.send(
        new GetCommand({ TableName: table.name, Key: key, ConsistentRead: true }),
      )
    ).Item;
  const claim = (read: number, seq: number) =>
    table.doc.send(
      new UpdateCommand({
        TableName: table.name,
        Key: key,
        UpdateExpression: 'SET hwm = :seq',
        ConditionExpression: 'hwm = :read',
        ExpressionAttributeValues: { ':read': read, ':seq': seq },
      }),
    );

  await table.doc.send(new PutCommand({ TableName: table.name, Item: { ...key, hwm: 0 } }));
  expect(await get()).toEqual({ ...key, hwm: 0 });
  for (let seq = 1; seq <= 20; seq++) await claim(seq - 1, seq);
  expect(await get()).toEqual({ ...key, hwm: 20 });
  await expect(claim(19, 21)).rejects.toThrow(/conditional request failed/i);
  expect(await get()).toEqual({ ...key, hwm: 20 });

  expect(reads.onThread - before.onThread).toBeGreaterThanOrEqual(23);
  expect(reads.pooled - before.pooled).toBe(0);
});
