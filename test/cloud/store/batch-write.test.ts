/**
 * Batched puts as DynamoDB answers them under load: items it returns unprocessed are sent again
 * until all are written, and a table that keeps refusing ends in a named error after a bounded
 * number of rounds, never in an endless loop or a silent loss.
 */
import type { BatchWriteCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { batchPut } from '../../../cloud/store/dynamo/batch-write.ts';
import type { Table } from '../../../cloud/store/dynamo/table.ts';

type Put = { PutRequest: { Item: Record<string, unknown> } };

/** A table that writes at most `perCall` items of each request and returns the rest unprocessed. */
function throttledTable(perCall: number) {
  const written: string[] = [];
  const requestSizes: number[] = [];
  const table = {
    name: 't',
    doc: {
      send: async (command: BatchWriteCommand) => {
        const puts = (command.input.RequestItems?.t ?? []) as Put[];
        requestSizes.push(puts.length);
        for (const put of puts.slice(0, perCall)) written.push(String(put.PutRequest.Item.sk));
        const rest = puts.slice(perCall);
        return { UnprocessedItems: rest.length > 0 ? { t: rest } : {} };
      },
    },
  } as unknown as Table;
  return { table, written, requestSizes };
}

const items = (n: number) => Array.from({ length: n }, (_, i) => ({ pk: 'HH#1', sk: `NOTE#${i}` }));

describe('batchPut', () => {
  it('writes every item in requests of at most 25, sending the unprocessed ones again', async () => {
    const { table, written, requestSizes } = throttledTable(10);
    await batchPut(table, 'test', [...items(60), { pk: 'HH#1', sk: 'NOTE#3' }]);
    expect(written.sort()).toEqual(
      items(60)
        .map((i) => i.sk)
        .sort(),
    );
    expect(Math.max(...requestSizes)).toBe(25);
  });

  it('gives up with a named error when the table keeps returning items unprocessed', async () => {
    const { table, requestSizes } = throttledTable(0);
    await expect(batchPut(table, 'addNotifications', items(3))).rejects.toMatchObject({
      name: 'BatchUnprocessedError',
      code: 'BATCH_UNPROCESSED',
      details: { operation: 'addNotifications', unprocessed: 3 },
    });
    expect(requestSizes).toHaveLength(6);
  });
});
