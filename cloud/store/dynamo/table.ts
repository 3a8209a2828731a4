/**
 * The table's physical definition and the one DynamoDB document client. The same code talks to
 * dynalite (local and tests), DynamoDB Local, or AWS — only the endpoint differs.
 */
import {
  CreateTableCommand,
  type CreateTableCommandInput,
  DescribeTableCommand,
  DynamoDBClient,
  type GlobalSecondaryIndex,
  ResourceNotFoundException,
  type TableDescription,
  UpdateTableCommand,
} from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
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
    // Local endpoints accept any credentials; never read real ones for them.
    ...(local ? { credentials: { accessKeyId: 'local', secretAccessKey: 'local' } } : {}),
    maxAttempts: 3,
  });
  const doc = DynamoDBDocumentClient.from(raw, {
    marshallOptions: { removeUndefinedValues: true },
  });
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
 * A table created by an older version lacks the local indexes; it gets them here.
 */
export async function ensureTable(table: Table): Promise<'created' | 'existed'> {
  let existing: TableDescription | undefined;
  try {
    existing = (await table.raw.send(new DescribeTableCommand({ TableName: table.name }))).Table;
  } catch (error) {
    if (!(error instanceof ResourceNotFoundException)) throw error;
  }
  if (existing) {
    for (const { name } of LOCAL_INDEXES) {
      if (!existing.GlobalSecondaryIndexes?.some((index) => index.IndexName === name)) {
        await addLocalIndex(table, name);
      }
    }
    return 'existed';
  }
  await table.raw.send(new CreateTableCommand(tableDefinition(table.name)));
  await waitUntilActive(table);
  return 'created';
}

async function addLocalIndex(table: Table, name: string): Promise<void> {
  const definition = tableDefinition(table.name);
  const index = definition.GlobalSecondaryIndexes?.find((gsi) => gsi.IndexName === name);
  await table.raw.send(
    new UpdateTableCommand({
      TableName: table.name,
      AttributeDefinitions: definition.AttributeDefinitions,
      GlobalSecondaryIndexUpdates: [{ Create: index }],
    }),
  );
  await waitUntilActive(table);
}

async function waitUntilActive(table: Table): Promise<void> {
  for (let i = 0; i < 100; i++) {
    const described = await table.raw.send(new DescribeTableCommand({ TableName: table.name }));
    const indexes = described.Table?.GlobalSecondaryIndexes ?? [];
    if (
      described.Table?.TableStatus === 'ACTIVE' &&
      indexes.every((index) => index.IndexStatus === 'ACTIVE')
    ) {
      return;
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`table ${table.name} did not become ACTIVE`);
}
