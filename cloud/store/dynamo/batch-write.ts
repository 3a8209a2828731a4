import { setTimeout as pause } from 'node:timers/promises';
import { BatchWriteCommand } from '@aws-sdk/lib-dynamodb';
import { keyIdOf } from './batch-get.ts';
import { BatchUnprocessedError, guarded } from './dynamo-errors.ts';
import type { Table } from './table.ts';

const ITEMS_PER_REQUEST = 25;
const ROUNDS = 6;
/** Doubled each round: unprocessed items mean the table is throttling, so wait before asking again. */
const FIRST_PAUSE_MS = 20;

type Item = Record<string, unknown> & { pk: unknown; sk: unknown };

/**
 * Unconditional puts, in requests of up to 25 items side by side, retrying the items DynamoDB
 * returns unprocessed for a bounded number of rounds. An item whose key comes twice is put once
 * (the later one), since a batch refuses a request that names a key twice. Each put stands on
 * its own: after a failure some items may be written and others not.
 */
export async function batchPut(
  table: Table,
  operation: string,
  items: readonly Item[],
): Promise<void> {
  const distinct = [...new Map(items.map((item) => [keyIdOf(item), item])).values()];
  const requests: Item[][] = [];
  for (let i = 0; i < distinct.length; i += ITEMS_PER_REQUEST) {
    requests.push(distinct.slice(i, i + ITEMS_PER_REQUEST));
  }
  await Promise.all(requests.map((request) => putRequest(table, operation, request)));
}

async function putRequest(table: Table, operation: string, items: Item[]): Promise<void> {
  let pending = items.map((Item) => ({ PutRequest: { Item } }));
  for (let round = 0; pending.length > 0; round++) {
    if (round >= ROUNDS) throw new BatchUnprocessedError(operation, pending.length, ROUNDS);
    if (round > 0) await pause(FIRST_PAUSE_MS * 2 ** (round - 1));
    const request = pending;
    const result = await guarded(operation, () =>
      table.doc.send(new BatchWriteCommand({ RequestItems: { [table.name]: request } })),
    );
    pending = (result.UnprocessedItems?.[table.name] ?? []) as typeof pending;
  }
}
