/**
 * Read-modify-write records: a record is one item holding its body and a version; a write puts
 * the whole item only if the version is still the one read (0: no item yet).
 */
import { GetCommand, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { batchGetInOrder } from './batch-get.ts';
import { conditional, guarded } from './dynamo-errors.ts';
import type { Table } from './table.ts';

type Key = { pk: string; sk: string };

export interface Versioned<T> {
  body: T;
  version: number;
}

export async function getVersioned<T>(
  table: Table,
  operation: string,
  key: Key,
): Promise<Versioned<T> | null> {
  const out = await guarded(operation, () =>
    table.doc.send(new GetCommand({ TableName: table.name, Key: key, ConsistentRead: true })),
  );
  return out.Item ? versionedOf<T>(out.Item) : null;
}

/** Consistent reads of many records, in the order of `keys`; null where there is none. */
export async function getVersionedMany<T>(
  table: Table,
  operation: string,
  keys: readonly Key[],
): Promise<(Versioned<T> | null)[]> {
  const items = await batchGetInOrder(table, operation, keys);
  return items.map((item) => item && versionedOf<T>(item));
}

function versionedOf<T>(item: Record<string, unknown>): Versioned<T> {
  return { body: item.body as T, version: Number(item.version) };
}

export function putVersioned(
  table: Table,
  operation: string,
  item: Key & { body: unknown } & Record<string, unknown>,
  expectedVersion: number,
): Promise<boolean> {
  return conditional(operation, () =>
    table.doc.send(
      new PutCommand({
        TableName: table.name,
        Item: { ...item, version: expectedVersion + 1 },
        ConditionExpression:
          expectedVersion === 0 ? 'attribute_not_exists(pk)' : 'version = :expected',
        ...(expectedVersion === 0
          ? {}
          : { ExpressionAttributeValues: { ':expected': expectedVersion } }),
      }),
    ),
  );
}

/** One page of the bodies of the items in `pk` whose sort key starts with `prefix`. */
export async function queryBodies<T>(
  table: Table,
  operation: string,
  pk: string,
  prefix: string,
  page: { limit?: number; start?: Record<string, unknown> | undefined },
): Promise<{ bodies: T[]; lastKey: Record<string, unknown> | undefined }> {
  const out = await guarded(operation, () =>
    table.doc.send(
      new QueryCommand({
        TableName: table.name,
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
        ExpressionAttributeValues: { ':pk': pk, ':prefix': prefix },
        ProjectionExpression: 'pk, sk, body',
        ...(page.limit === undefined ? {} : { Limit: page.limit }),
        ExclusiveStartKey: page.start,
      }),
    ),
  );
  return { bodies: (out.Items ?? []).map((item) => item.body as T), lastKey: out.LastEvaluatedKey };
}
