/**
 * The table's physical definition and the one DynamoDB document client. The same code talks to
 * dynalite (local and tests), DynamoDB Local, or AWS — only the endpoint differs.
 */
import { Agent as HttpAgent } from 'node:http';
import {
  type AttributeValue,
  BatchWriteItemCommand,
  CreateTableCommand,
  type CreateTableCommandInput,
  DeleteTableCommand,
  DescribeTableCommand,
  DynamoDBClient,
  type GlobalSecondaryIndex,
  ResourceNotFoundException,
  ScanCommand,
  type TableDescription,
  UpdateTableCommand,
} from '@aws-sdk/client-dynamodb';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { cachedDocumentClient } from './document-client.ts';
import { localSigner } from './local-signer.ts';
import { markUnrelayedClaims } from './mark-unrelayed-claims.ts';
import { COMMIT_INDEX, OUTBOX_INDEX, TABLE_INDEXES } from './table-keys.ts';

/** Indexes of tables without streams only (see table-keys.ts); AWS tables do not declare them. */
const LOCAL_INDEXES = [
  { name: OUTBOX_INDEX, pk: 'outboxPk', sk: 'outboxSk' },
  { name: COMMIT_INDEX, pk: 'commitPk', sk: 'commitSk' },
] as const;

export interface TableConfig {
  tableName: string;
  /** e.g. http://127.0.0.1:4567 for dynalite; undefined means AWS from the usual variables. */
  endpoint?: string | undefined;
  region?: string | undefined;
  /**
   * The most requests this client has at the store at once; the rest wait in the client.
   * Default: the SDK's (50 sockets).
   */
  maxSockets?: number | undefined;
}

export interface Table {
  name: string;
  doc: DynamoDBDocumentClient;
  raw: DynamoDBClient;
}

export function openTable(config: TableConfig): Table {
  const local = config.endpoint !== undefined;
  const raw = new DynamoDBClient({
    endpoint: config.endpoint,
    // AWS: the SDK's own chain (AWS_REGION, then the profile), like every other client — a
    // fixed fallback would put the table in another region than IoT and Secrets Manager.
    // Local endpoints ignore the region but the SDK needs one.
    region: config.region ?? (local ? (process.env.AWS_REGION ?? 'us-east-1') : undefined),
    // Local endpoints accept any credentials and check no signature; never read real ones for
    // them, nor sign for them.
    ...(local
      ? { credentials: { accessKeyId: 'local', secretAccessKey: 'local' }, signer: localSigner }
      : {}),
    maxAttempts: 3,
    ...(config.maxSockets === undefined
      ? {}
      : {
          requestHandler: {
            httpAgent: new HttpAgent({ keepAlive: true, maxSockets: config.maxSockets }),
          },
        }),
  });
  const doc = cachedDocumentClient(raw, { marshallOptions: { removeUndefinedValues: true } });
  return { name: config.tableName, doc, raw };
}

export function tableDefinition(tableName: string): CreateTableCommandInput {
  const attributes = [
    { AttributeName: 'pk', AttributeType: 'S' as const },
    { AttributeName: 'sk', AttributeType: 'S' as const },
  ];
  for (const index of TABLE_INDEXES) {
    attributes.push(
      { AttributeName: `${index}pk`, AttributeType: 'S' },
      { AttributeName: `${index}sk`, AttributeType: 'S' },
    );
  }
  for (const local of LOCAL_INDEXES) {
    attributes.push(
      { AttributeName: local.pk, AttributeType: 'S' },
      { AttributeName: local.sk, AttributeType: 'S' },
    );
  }
  return {
    TableName: tableName,
    BillingMode: 'PAY_PER_REQUEST',
    AttributeDefinitions: attributes,
    KeySchema: [
      { AttributeName: 'pk', KeyType: 'HASH' },
      { AttributeName: 'sk', KeyType: 'RANGE' },
    ],
    GlobalSecondaryIndexes: TABLE_INDEXES.map(
      (index): GlobalSecondaryIndex => ({
        IndexName: index,
        KeySchema: [
          { AttributeName: `${index}pk`, KeyType: 'HASH' as const },
          { AttributeName: `${index}sk`, KeyType: 'RANGE' as const },
        ],
        // Keys only: writes on the press path never rewrite index entries (see index-query.ts).
        Projection: { ProjectionType: 'KEYS_ONLY' as const },
      }),
    ).concat(
      // Tables without streams only (see table-keys.ts): what waits for the local relays.
      LOCAL_INDEXES.map((local) => ({
        IndexName: local.name,
        KeySchema: [
          { AttributeName: local.pk, KeyType: 'HASH' as const },
          { AttributeName: local.sk, KeyType: 'RANGE' as const },
        ],
        Projection: { ProjectionType: 'KEYS_ONLY' as const },
      })),
    ),
  };
}

/**
 * Creates the table where it is missing (local stores and tests); AWS tables come from CDK.
 * A table created by an older version lacks local indexes; it gets them here (see upgradeTable).
 * `progress` hears about an upgrade's steps, which can take a while on a large table.
 */
export async function ensureTable(
  table: Table,
  progress: (message: string) => void = () => {},
): Promise<'created' | 'existed'> {
  const existing = await describe(table.raw, table.name);
  const spare = await describe(table.raw, spareName(table.name));
  if (spare) {
    await resumeRebuild(table, existing, progress);
    return 'existed';
  }
  if (existing) {
    await upgradeTable(table, existing, progress);
    return 'existed';
  }
  await createTable(table.raw, table.name);
  return 'created';
}

const missingIndexes = (description: TableDescription) =>
  LOCAL_INDEXES.filter(
    ({ name }) => !description.GlobalSecondaryIndexes?.some((index) => index.IndexName === name),
  );

/**
 * A table from before a local index existed. Its buttons' open orders are first marked for the
 * commit relay if the commit index is the one missing: that version wrote each order item in the
 * press handler, so a crash between the claim and that write left an order only the relay can
 * now complete (marking first, so an upgrade cut short marks again). Then the indexes: DynamoDB
 * and DynamoDB Local add them to the table as it is; dynalite ignores such a request, so its
 * table is rebuilt under the full definition (rebuild).
 */
async function upgradeTable(
  table: Table,
  existing: TableDescription,
  progress: (message: string) => void,
): Promise<void> {
  const missing = missingIndexes(existing);
  if (missing.length === 0) return;
  progress(`upgrading the table: adding the ${missing.map((m) => m.name).join(', ')} index`);
  if (missing.some(({ name }) => name === COMMIT_INDEX)) {
    const marked = await markUnrelayedClaims(table);
    progress(`upgrading the table: ${marked} buttons with open orders handed to the commit relay`);
  }
  for (const { name } of missing) await addLocalIndex(table, name);
  const after = await describe(table.raw, table.name);
  if (after && missingIndexes(after).length > 0) await rebuild(table, progress);
}

async function addLocalIndex(table: Table, name: string): Promise<void> {
  const definition = tableDefinition(table.name);
  const index = definition.GlobalSecondaryIndexes?.find((gsi) => gsi.IndexName === name);
  try {
    await table.raw.send(
      new UpdateTableCommand({
        TableName: table.name,
        AttributeDefinitions: definition.AttributeDefinitions,
        GlobalSecondaryIndexUpdates: [{ Create: index }],
      }),
    );
  } catch (error) {
    // dynalite refuses (or ignores) creating an index on an existing table: rebuilt instead.
    if ((error as { name?: string }).name !== 'ValidationException') throw error;
  }
  await waitUntilActive(table.raw, table.name);
}

/** The copy of a table being rebuilt, while its original is replaced. */
const spareName = (name: string) => `${name}-rebuild`;

/**
 * Copies every item to a spare table, recreates the table under the full definition and copies
 * them back. Each step can be cut: resumeRebuild finishes from what it finds.
 */
async function rebuild(table: Table, progress: (message: string) => void): Promise<void> {
  const spare = spareName(table.name);
  await createTable(table.raw, spare);
  await copyItems(table.raw, table.name, spare, progress);
  await replaceWithSpare(table, progress);
}

async function resumeRebuild(
  table: Table,
  existing: TableDescription | null,
  progress: (message: string) => void,
): Promise<void> {
  // The original is deleted only once the copy is complete: while it is still there, and not
  // being deleted, the upgrade was cut while copying out, and the copy may be partial.
  if (existing && existing.TableStatus !== 'DELETING' && missingIndexes(existing).length > 0) {
    await deleteTable(table.raw, spareName(table.name));
    await upgradeTable(table, existing, progress);
    return;
  }
  await replaceWithSpare(table, progress);
}

/** From a complete spare: the table (re)created under the full definition, filled, spare gone. */
async function replaceWithSpare(table: Table, progress: (message: string) => void) {
  const spare = spareName(table.name);
  let current = await describe(table.raw, table.name);
  if (current?.TableStatus === 'DELETING') current = await gone(table.raw, table.name);
  if (current && missingIndexes(current).length > 0)
    current = await deleteTable(table.raw, table.name);
  if (!current) await createTable(table.raw, table.name);
  await copyItems(table.raw, spare, table.name, progress);
  await deleteTable(table.raw, spare);
  progress('upgrading the table: done');
}

async function copyItems(
  client: DynamoDBClient,
  from: string,
  to: string,
  progress: (message: string) => void,
): Promise<void> {
  let copied = 0;
  let start: Record<string, AttributeValue> | undefined;
  do {
    const page = await client.send(
      new ScanCommand({ TableName: from, ExclusiveStartKey: start, Limit: 500 }),
    );
    const items = page.Items ?? [];
    for (let i = 0; i < items.length; i += 25) {
      let requests: Record<string, { PutRequest: { Item: Record<string, AttributeValue> } }[]> = {
        [to]: items.slice(i, i + 25).map((Item) => ({ PutRequest: { Item } })),
      };
      while (Object.keys(requests).length > 0) {
        const out = await client.send(new BatchWriteItemCommand({ RequestItems: requests }));
        requests = (out.UnprocessedItems ?? {}) as typeof requests;
      }
    }
    copied += items.length;
    start = page.LastEvaluatedKey;
    if (copied > 0 && (copied % 10_000 < items.length || !start)) {
      progress(`upgrading the table: ${copied} items copied to ${to}`);
    }
  } while (start);
}

async function describe(client: DynamoDBClient, name: string): Promise<TableDescription | null> {
  try {
    return (await client.send(new DescribeTableCommand({ TableName: name }))).Table ?? null;
  } catch (error) {
    if (error instanceof ResourceNotFoundException) return null;
    throw error;
  }
}

async function createTable(client: DynamoDBClient, name: string): Promise<void> {
  await client.send(new CreateTableCommand(tableDefinition(name)));
  await waitUntilActive(client, name);
}

async function deleteTable(client: DynamoDBClient, name: string): Promise<null> {
  await client.send(new DeleteTableCommand({ TableName: name }));
  return gone(client, name);
}

/** Waits until a table being deleted is gone. */
async function gone(client: DynamoDBClient, name: string): Promise<null> {
  for (let i = 0; i < 600; i++) {
    if (!(await describe(client, name))) return null;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`table ${name} was not deleted in 30 s`);
}

async function waitUntilActive(client: DynamoDBClient, name: string): Promise<void> {
  for (let i = 0; i < 100; i++) {
    const described = await client.send(new DescribeTableCommand({ TableName: name }));
    const indexes = described.Table?.GlobalSecondaryIndexes ?? [];
    if (
      described.Table?.TableStatus === 'ACTIVE' &&
      indexes.every((index) => index.IndexStatus === 'ACTIVE')
    ) {
      return;
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`table ${name} did not become ACTIVE`);
}
