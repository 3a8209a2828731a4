/**
 * Queries a keys-only index, then reads the items themselves. The indexes project keys only so
 * that the press path's writes to a button or an order never rewrite index entries (on AWS an
 * ALL projection would bill every claim again for each index the button is in).
 */
import { QueryCommand, type QueryCommandInput } from '@aws-sdk/lib-dynamodb';
import { batchGetInOrder, type Keyed, keyIdOf } from './batch-get.ts';
import { guarded } from './dynamo-errors.ts';
import type { Table } from './table.ts';

export interface IndexPage {
  items: Record<string, unknown>[];
  lastKey: Record<string, unknown> | undefined;
}

export interface IndexKeysPage {
  keys: Keyed[];
  lastKey: Record<string, unknown> | undefined;
}

export async function queryIndexItems(
  table: Table,
  operation: string,
  input: Omit<QueryCommandInput, 'TableName'>,
): Promise<IndexPage> {
  const { keys, lastKey } = await queryIndexKeys(table, operation, input);
  return { items: await getItems(table, operation, keys), lastKey };
}

/** The keys of one page of a keys-only index, each once, without reading the items. */
export async function queryIndexKeys(
  table: Table,
  operation: string,
  input: Omit<QueryCommandInput, 'TableName'>,
): Promise<IndexKeysPage> {
  const result = await guarded(operation, () =>
    table.doc.send(new QueryCommand({ ...input, TableName: table.name })),
  );
  // dynalite writes an item and its index entries one after the other: a kill between the two
  // can leave an item's old entry beside its new one, so the same item may be listed twice (and
  // a read of duplicate keys is refused as a whole).
  const keys = new Map<string, Keyed>();
  for (const item of result.Items ?? []) {
    const key = { pk: item.pk, sk: item.sk };
    if (!keys.has(keyIdOf(key))) keys.set(keyIdOf(key), key);
  }
  return { keys: [...keys.values()], lastKey: result.LastEvaluatedKey };
}

/** The items in query order; an item deleted since the index saw it is skipped. */
async function getItems(
  table: Table,
  operation: string,
  keys: Keyed[],
): Promise<Record<string, unknown>[]> {
  const items = await batchGetInOrder(table, operation, keys);
  return items.filter((item) => item !== null);
}
