/**
 * The table's physical definition and the one DynamoDB document client. The same code talks to
 * dynalite (local and tests), DynamoDB Local, or AWS — only the endpoint differs.
 */
import {
  CreateTableCommand,
  type CreateTableCommandInput,
  DescribeTableCommand,
  DynamoDBClient,
  ResourceNotFoundException,
} from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { TABLE_INDEXES } from './table-keys.ts';

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
    region: config.region ?? process.env.AWS_REGION ?? 'us-east-1',
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
  return {
    TableName: tableName,
    BillingMode: 'PAY_PER_REQUEST',
    AttributeDefinitions: attributes,
    KeySchema: [
      { AttributeName: 'pk', KeyType: 'HASH' },
      { AttributeName: 'sk', KeyType: 'RANGE' },
    ],
    GlobalSecondaryIndexes: TABLE_INDEXES.map((index) => ({
      IndexName: index,
      KeySchema: [
        { AttributeName: `${index}pk`, KeyType: 'HASH' as const },
        { AttributeName: `${index}sk`, KeyType: 'RANGE' as const },
      ],
      // Keys only: writes on the press path never rewrite index entries (see index-query.ts).
      Projection: { ProjectionType: 'KEYS_ONLY' as const },
    })),
  };
}

/** Creates the table where it is missing (local stores and tests); AWS tables come from CDK. */
export async function ensureTable(table: Table): Promise<'created' | 'existed'> {
  try {
    await table.raw.send(new DescribeTableCommand({ TableName: table.name }));
    return 'existed';
  } catch (error) {
    if (!(error instanceof ResourceNotFoundException)) throw error;
  }
  await table.raw.send(new CreateTableCommand(tableDefinition(table.name)));
  for (let i = 0; i < 100; i++) {
    const described = await table.raw.send(new DescribeTableCommand({ TableName: table.name }));
    if (described.Table?.TableStatus === 'ACTIVE') return 'created';
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`table ${table.name} did not become ACTIVE`);
}
