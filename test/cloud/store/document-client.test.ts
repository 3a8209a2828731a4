/**
 * The table's document client resolves each command class's middleware once: every call must
 * still carry its own input and get its own answer (many different commands at once), middleware
 * added after the first calls must still see every call, and a failed condition must still
 * surface as the SDK's named error.
 */
import { ConditionalCheckFailedException, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { GetCommand, PutCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { type DynaliteServer, startDynalite } from '../../../cloud/store/dynamo/dynalite-server.ts';
import { ensureTable, openTable, type Table } from '../../../cloud/store/dynamo/table.ts';

let server: DynaliteServer;
let table: Table;
beforeAll(async () => {
  server = await startDynalite();
  table = openTable({ tableName: 'document-client', endpoint: server.endpoint });
  await ensureTable(table);
});
afterAll(async () => {
  table.raw.destroy();
  await server.close();
});

const key = (i: number) => ({ pk: `DOC#${i % 7}`, sk: `ITEM#${i}` });

describe('the cached document client', () => {
  it('gives each of many concurrent calls of several kinds its own input and answer', async () => {
    const TableName = table.name;
    const n = 200;
    await Promise.all(
      Array.from({ length: n }, (_, i) =>
        table.doc.send(new PutCommand({ TableName, Item: { ...key(i), n: i, tags: [`t${i}`] } })),
      ),
    );
    const [reads, updates] = await Promise.all([
      Promise.all(
        Array.from({ length: n }, (_, i) =>
          table.doc.send(new GetCommand({ TableName, Key: key(i) })),
        ),
      ),
      Promise.all(
        Array.from({ length: n }, (_, i) =>
          table.doc.send(
            new UpdateCommand({
              TableName,
              Key: key(i),
              UpdateExpression: 'SET m = :m',
              ExpressionAttributeValues: { ':m': i * 2 },
              ReturnValues: 'ALL_NEW',
            }),
          ),
        ),
      ),
    ]);
    expect(reads.map((r) => [r.Item?.n, r.Item?.tags])).toEqual(
      Array.from({ length: n }, (_, i) => [i, [`t${i}`]]),
    );
    expect(updates.map((u) => [u.Attributes?.n, u.Attributes?.m])).toEqual(
      Array.from({ length: n }, (_, i) => [i, i * 2]),
    );
    const partitions = await Promise.all(
      Array.from({ length: 7 }, (_, p) =>
        table.doc.send(
          new QueryCommand({
            TableName,
            KeyConditionExpression: 'pk = :pk',
            ExpressionAttributeValues: { ':pk': `DOC#${p}` },
          }),
        ),
      ),
    );
    expect(partitions.map((q) => q.Count)).toEqual(
      Array.from(
        { length: 7 },
        (_, p) => Array.from({ length: n }, (_, i) => i).filter((i) => i % 7 === p).length,
      ),
    );
  });

  it('resolves a command class’s middleware once, not on every call', async () => {
    const TableName = table.name;
    const resolve = vi.spyOn(PutItemCommand.prototype, 'resolveMiddleware');
    try {
      for (let i = 0; i < 10; i++) {
        await table.doc.send(new PutCommand({ TableName, Item: { ...key(3000 + i), n: i } }));
      }
      expect(resolve.mock.calls.length).toBeLessThanOrEqual(1);
    } finally {
      resolve.mockRestore();
    }
  });

  it('runs middleware added after the first calls on every later call', async () => {
    const TableName = table.name;
    await table.doc.send(new GetCommand({ TableName, Key: key(1) }));
    const seen: string[] = [];
    table.raw.middlewareStack.add(
      (next, context) => async (args) => {
        seen.push(String(context.commandName));
        return next(args);
      },
      { step: 'initialize', name: 'documentClientTestCounter' },
    );
    await table.doc.send(new GetCommand({ TableName, Key: key(1) }));
    await table.doc.send(new PutCommand({ TableName, Item: { ...key(1000), n: 1000 } }));
    expect(seen).toEqual(['GetItemCommand', 'PutItemCommand']);
  });

  it('fails a broken condition with the SDK’s named error and writes nothing', async () => {
    const TableName = table.name;
    await table.doc.send(new PutCommand({ TableName, Item: { ...key(2000), n: 1 } }));
    await expect(
      table.doc.send(
        new PutCommand({
          TableName,
          Item: { ...key(2000), n: 2 },
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      ),
    ).rejects.toBeInstanceOf(ConditionalCheckFailedException);
    const stored = await table.doc.send(new GetCommand({ TableName, Key: key(2000) }));
    expect(stored.Item?.n).toBe(1);
  });
});
