import { BatchGetCommand } from '@aws-sdk/lib-dynamodb';
import { BatchUnprocessedError, guarded } from './dynamo-errors.ts';
import type { Table } from './table.ts';

const KEYS_PER_REQUEST = 100;
const ROUNDS = 6;

/**
 * Consistent reads of items by key, in requests of up to 100 keys, retrying the keys DynamoDB
 * returns unprocessed. Items come back in no particular order; missing ones are left out.
 */
export async function batchGet(
  table: Table,
  operation: string,
  keys: Record<string, unknown>[],
): Promise<Record<string, unknown>[]> {
  const found: Record<string, unknown>[] = [];
  for (let i = 0; i < keys.length; i += KEYS_PER_REQUEST) {
    let pending = keys.slice(i, i + KEYS_PER_REQUEST);
    for (let round = 0; pending.length > 0; round++) {
      if (round >= ROUNDS) throw new BatchUnprocessedError(operation, pending.length, ROUNDS);
      const request = pending;
      const result = await guarded(operation, () =>
        table.doc.send(
          new BatchGetCommand({
            RequestItems: { [table.name]: { Keys: request, ConsistentRead: true } },
          }),
        ),
      );
      found.push(...(result.Responses?.[table.name] ?? []));
      pending = result.UnprocessedKeys?.[table.name]?.Keys ?? [];
    }
  }
  return found;
}

type Key = Record<string, unknown> & { pk: unknown; sk: unknown };

/** One string per item key (a batch refuses a request that names a key twice). */
export const keyIdOf = (key: Key) => `${key.pk}\u0000${key.sk}`;

/**
 * The items of `keys` in the order asked, null where there is none. A key named twice is read
 * once (a batch read refuses a request that names a key twice).
 */
export async function batchGetInOrder(
  table: Table,
  operation: string,
  keys: readonly Key[],
): Promise<(Record<string, unknown> | null)[]> {
  const distinct = [...new Map(keys.map((key) => [keyIdOf(key), key])).values()];
  const found = distinct.length === 0 ? [] : await batchGet(table, operation, distinct);
  const byId = new Map(found.map((item) => [keyIdOf(item as Key), item]));
  return keys.map((key) => byId.get(keyIdOf(key)) ?? null);
}
