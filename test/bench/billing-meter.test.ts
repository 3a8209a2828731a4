/** The cost model's meter counts what DynamoDB bills and dynalite does not report. */
import { BatchWriteCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BillingMeter } from '../../bench/billing-meter.ts';
import { type DynaliteServer, startDynalite } from '../../cloud/store/dynamo/dynalite-server.ts';
import { ensureTable, openTable, type Table } from '../../cloud/store/dynamo/table.ts';

let server: DynaliteServer;
let table: Table;
let meter: BillingMeter;
beforeAll(async () => {
  server = await startDynalite();
  table = openTable({ tableName: 'billing', endpoint: server.endpoint });
  await ensureTable(table);
  meter = new BillingMeter(openTable({ tableName: 'billing', endpoint: server.endpoint }).raw);
  meter.attach(table.raw);
});
afterAll(async () => {
  table.raw.destroy();
  await server.close();
});

const key = { pk: 'BTN#b', sk: 'PRESS#0000000001' };

describe('billing meter', () => {
  it('bills a write per started KB of the larger image, and each index entry added, moved or removed', async () => {
    meter.reset();
    await table.doc.send(
      new PutCommand({
        TableName: table.name,
        Item: {
          ...key,
          note: 'x'.repeat(1500),
          gsi1pk: 'HH#h',
          gsi1sk: '1',
          gsi2pk: 'BRAND#a#PLACED',
          gsi2sk: '1',
          gsi3pk: 'TIMER#3',
          gsi3sk: '2',
        },
      }),
    );
    expect({ items: meter.writeUnits, index: meter.indexWriteUnits }).toEqual({
      items: 2,
      index: 3,
    });

    meter.reset();
    await table.doc.send(
      new UpdateCommand({
        TableName: table.name,
        Key: key,
        UpdateExpression: 'SET gsi2pk = :confirmed, note = :short REMOVE gsi3pk, gsi3sk',
        ExpressionAttributeValues: { ':confirmed': 'BRAND#a#CONFIRMED', ':short': 'y' },
      }),
    );
    // Billed on the larger (before) image; gsi2 re-keyed = delete + put; gsi3 entry removed.
    expect({ items: meter.writeUnits, index: meter.indexWriteUnits }).toEqual({
      items: 2,
      index: 3,
    });

    meter.reset();
    await table.doc.send(
      new UpdateCommand({
        TableName: table.name,
        Key: key,
        UpdateExpression: 'SET note = :n',
        ExpressionAttributeValues: { ':n': 'z' },
      }),
    );
    expect({ items: meter.writeUnits, index: meter.indexWriteUnits }).toEqual({
      items: 1,
      index: 0,
    });
  });

  it('bills each put and delete of a batch write as the single write, never as a read', async () => {
    meter.reset();
    const note = (i: number) => ({ pk: 'HH#h', sk: `NOTE#${i}`, text: 'x'.repeat(1100 * i) });
    await table.doc.send(
      new BatchWriteCommand({
        RequestItems: {
          [table.name]: [
            { PutRequest: { Item: note(1) } },
            { PutRequest: { Item: { ...note(2), gsi1pk: 'HH#h', gsi1sk: '2' } } },
          ],
        },
      }),
    );
    expect(meter).toMatchObject({ writeUnits: 2 + 3, indexWriteUnits: 1, readUnits: 0 });

    meter.reset();
    await table.doc.send(
      new BatchWriteCommand({
        RequestItems: { [table.name]: [{ DeleteRequest: { Key: { pk: 'HH#h', sk: 'NOTE#2' } } }] },
      }),
    );
    expect(meter).toMatchObject({ writeUnits: 3, indexWriteUnits: 1, readUnits: 0 });
  });

  it('bills a binary attribute by its bytes', async () => {
    meter.reset();
    await table.doc.send(
      new PutCommand({
        TableName: table.name,
        Item: { pk: 'BIN#b', sk: '1', payload: new Uint8Array(1000) },
      }),
    );
    expect(meter.writeUnits).toBe(1);

    meter.reset();
    await table.doc.send(
      new PutCommand({
        TableName: table.name,
        Item: { pk: 'BIN#b', sk: '1', payload: new Uint8Array(1100) },
      }),
    );
    expect(meter.writeUnits).toBe(2);
  });
});
