/**
 * Requests to a local store go unsigned (it verifies no signature) and are still answered;
 * requests to AWS keep their real SigV4 signature.
 */
import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { type DynaliteServer, startDynalite } from '../../../cloud/store/dynamo/dynalite-server.ts';
import { LOCAL_SIGNATURE } from '../../../cloud/store/dynamo/local-signer.ts';
import { ensureTable, openTable, type Table } from '../../../cloud/store/dynamo/table.ts';

let store: DynaliteServer;

beforeAll(async () => {
  store = await startDynalite();
});
afterAll(async () => {
  await store.close();
});

/** The headers of every request as it leaves the client. */
function requestHeaders(table: Table, stopBeforeSending = false): Record<string, string>[] {
  const seen: Record<string, string>[] = [];
  // The deserialize step comes after signing and wraps the sending itself.
  table.raw.middlewareStack.add(
    (next) => async (args) => {
      const request = args.request as { headers: Record<string, string> };
      seen.push({ ...request.headers });
      if (stopBeforeSending) throw new Error('not sent');
      return next(args);
    },
    { step: 'deserialize', name: 'recordRequestHeaders' },
  );
  return seen;
}

it('answers a local client whose requests carry no computed signature', async () => {
  const table = openTable({ tableName: 'local-signer', endpoint: store.endpoint });
  await ensureTable(table);
  const seen = requestHeaders(table);
  const TableName = table.name;
  await table.doc.send(new PutCommand({ TableName, Item: { pk: 'S#1', sk: 'I#1', n: 7 } }));
  const read = await table.doc.send(new GetCommand({ TableName, Key: { pk: 'S#1', sk: 'I#1' } }));
  expect(read.Item?.n).toBe(7);
  expect(seen).toHaveLength(2);
  for (const headers of seen) {
    expect(headers.authorization).toContain(`Signature=${LOCAL_SIGNATURE}`);
  }
});

it('signs every request of a client for AWS', async () => {
  const saved = { ...process.env };
  Object.assign(process.env, {
    AWS_ACCESS_KEY_ID: 'AKIDEXAMPLE',
    AWS_SECRET_ACCESS_KEY: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY',
    AWS_REGION: 'eu-west-1',
  });
  try {
    const table = openTable({ tableName: 'aws-table' });
    const seen = requestHeaders(table, true);
    await expect(
      table.doc.send(new GetCommand({ TableName: table.name, Key: { pk: 'S#1', sk: 'I#1' } })),
    ).rejects.toThrow('not sent');
    expect(seen).toHaveLength(1);
    const headers = seen[0] as Record<string, string>;
    expect(headers.authorization).toMatch(
      /^AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE\/\d{8}\/eu-west-1\/dynamodb\//,
    );
    expect(headers.authorization).toMatch(/Signature=[0-9a-f]{64}$/);
  } finally {
    process.env = saved;
  }
});
