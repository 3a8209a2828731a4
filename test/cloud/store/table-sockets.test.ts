/**
 * A table opened with `maxSockets` (the local drain's store client) has at most that many
 * requests at the store at once, whatever its caller sends in parallel, and every call is still
 * answered: the rest wait in the client, not in the store's queue ahead of other clients.
 */
import { createServer, request as httpRequest, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { type DynaliteServer, startDynalite } from '../../../cloud/store/dynamo/dynalite-server.ts';
import { ensureTable, openTable } from '../../../cloud/store/dynamo/table.ts';

let store: DynaliteServer;
let proxy: Server;
let inFlight = 0;
let mostInFlight = 0;

beforeAll(async () => {
  store = await startDynalite();
  const target = new URL(store.endpoint);
  // Counts the requests between client and store, and forwards each one as it came.
  proxy = createServer((req, res) => {
    inFlight++;
    mostInFlight = Math.max(mostInFlight, inFlight);
    const forward = httpRequest(
      {
        host: target.hostname,
        port: target.port,
        method: req.method,
        path: req.url,
        headers: req.headers,
      },
      (answer) => {
        res.writeHead(answer.statusCode ?? 500, answer.headers);
        answer.pipe(res).on('finish', () => inFlight--);
      },
    );
    req.pipe(forward);
  });
  await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
});
afterAll(async () => {
  proxy.closeAllConnections();
  await new Promise((resolve) => proxy.close(resolve));
  await store.close();
});

it('keeps at most maxSockets requests at the store and answers every call', async () => {
  const endpoint = `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`;
  const table = openTable({ tableName: 'table-sockets', endpoint, maxSockets: 3 });
  await ensureTable(table);
  mostInFlight = 0;
  const TableName = table.name;
  await Promise.all(
    Array.from({ length: 60 }, (_, i) =>
      table.doc.send(new PutCommand({ TableName, Item: { pk: 'S#1', sk: `I#${i}`, n: i } })),
    ),
  );
  const read = await Promise.all(
    Array.from({ length: 60 }, (_, i) =>
      table.doc.send(new GetCommand({ TableName, Key: { pk: 'S#1', sk: `I#${i}` } })),
    ),
  );
  expect(read.map((r) => r.Item?.n)).toEqual(Array.from({ length: 60 }, (_, i) => i));
  expect(mostInFlight).toBeLessThanOrEqual(3);
  expect(mostInFlight).toBeGreaterThanOrEqual(2);
  table.raw.destroy();
});
