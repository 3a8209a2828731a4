/**
 * Queries a keys-only index, then reads the items themselves. The indexes project keys only so
 * that the press path's writes to a button or an order never rewrite index entries (on AWS an
 * ALL projection would bill every claim again for each index the button is in).
 */
import { BatchGetCommand, QueryCommand, type QueryCommandInput } from '@aws-sdk/lib-dynamodb';
import { guarded } from './dynamo-errors.ts';
import type { Table } from './table.ts';

export interface IndexPage {
  items: Record<string, unknown>[];
  lastKey: Record<string, unknown> | undefined;
}

export async function queryIndexItems(
  table: Table,
  operation: string,
  input: Omit<QueryCommandInput, 'TableName'>,
): Promise<IndexPage> {
  const result = await guarded(operation, () =>
    table.doc.send(new QueryCommand({ ...input, TableName: table.name })),
  );
  const keys = (result.Items ?? []).map((item) => ({ pk: item.pk, sk: item.sk }));
  return { items: await getItems(table, operation, keys), lastKey: result.LastEvaluatedKey };
}

/** BatchGet in query order; an item deleted since the index saw it is skipped. */
async function getItems(
  table: Table,
  operation: string,
  keys: { pk: unknown; sk: unknown }[],
): Promise<Record<string, unknown>[]> {
  const found = new Map<string, Record<string, unknown>>();
  for (let i = 0; i < keys.length; i += 100) {
    let pending: Record<string, unknown>[] = keys.slice(i, i + 100);
    for (let round = 0; pending.length > 0; round++) {
      if (round > 5) throw new Error('BatchGet kept returning unprocessed keys');
      const result = await guarded(operation, () =>
        table.doc.send(
          new BatchGetCommand({
            RequestItems: { [table.name]: { Keys: pending, ConsistentRead: true } },
          }),
        ),
      );
      for (const item of result.Responses?.[table.name] ?? []) {
        found.set(`${item.pk}\u0000${item.sk}`, item);
      }
      pending = result.UnprocessedKeys?.[table.name]?.Keys ?? [];
    }
  }
  const items: Record<string, unknown>[] = [];
  for (const key of keys) {
    const item = found.get(`${key.pk}\u0000${key.sk}`);
    if (item) items.push(item);
  }
  return items;
}
