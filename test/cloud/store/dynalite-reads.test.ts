/**
 * The local store reads LevelDB on its own thread: a read handed to the thread pool woke a pool
 * thread, which on a busy machine cost the store's thread its core for longer than the read.
 * Reads still see every write before them, and conditions still hold against the latest item.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { type DynaliteServer, startDynalite } from '../../../cloud/store/dynamo/dynalite-server.ts';
import { ensureTable, openTable, type Table } from '../../../cloud/store/dynamo/table.ts';

type Read = (...args: unknown[]) => unknown;

/** Counts LevelDB's reads by kind: handed to the thread pool, or made on the calling thread. */
function countReads() {
  const fromClassic = createRequire(
    createRequire(
      createRequire(createRequire(import.meta.url).resolve('dynalite')).resolve('level'),
    ).resolve('classic-level'),
  );
  const binding = fromClassic('./binding.js') as Record<string, Read>;
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

const reads = countReads();
let folder: string;
let server: DynaliteServer;
let table: Table;

beforeAll(async () => {
  folder = await mkdtemp(join(tmpdir(), 'restock-reads-'));
  server = await startDynalite({ path: folder });
  table = openTable({ tableName: 'restock-reads', endpoint: server.endpoint });
  await ensureTable(table);
});

afterAll(async () => {
  table.raw.destroy();
  await server.close();
  await rm(folder, { recursive: true, force: true });
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
