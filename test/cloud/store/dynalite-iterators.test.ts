/**
 * The local store closes the LevelDB iterator of every Query and Scan once answered: an iterator
 * left open pins the table files of its moment, so compaction deletes none and the store grows
 * without end on disk and in mapped memory.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PutCommand, QueryCommand, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, expect, it, vi } from 'vitest';
import { type DynaliteServer, startDynalite } from '../../../cloud/store/dynamo/dynalite-server.ts';
import { ensureTable, openTable, type Table } from '../../../cloud/store/dynamo/table.ts';

type Iterator = { _close(): Promise<void> };
type Make = (this: unknown, ...args: unknown[]) => Iterator;

/** Counts the iterators LevelDB hands out and those closed again. */
function countIterators() {
  const fromLevel = createRequire(
    createRequire(createRequire(import.meta.url).resolve('dynalite')).resolve('level'),
  );
  const { ClassicLevel } = fromLevel('classic-level') as {
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

const iterators = countIterators();
let folder: string;
let server: DynaliteServer;
let table: Table;

beforeAll(async () => {
  folder = await mkdtemp(join(tmpdir(), 'restock-iterators-'));
  server = await startDynalite({ path: folder });
  table = openTable({ tableName: 'restock-iterators', endpoint: server.endpoint });
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
