/**
 * Write and read units as DynamoDB on-demand bills them, which dynalite does not report: a write
 * costs 1 WRU per started KB of the larger of the item before and after (a failed condition
 * still costs the item's size), plus, per global secondary index of the AWS table, one write
 * when an entry appears or disappears and two when its key changes (KEYS_ONLY projections: an
 * unchanged key costs nothing). Reads take dynalite's own figures, which follow DynamoDB's rules.
 * The meter reads each written item before and after on a second, unmetered client.
 */
import { type AttributeValue, type DynamoDBClient, GetItemCommand } from '@aws-sdk/client-dynamodb';
import { TABLE_INDEXES } from '../cloud/store/dynamo/table-keys.ts';

type Item = Record<string, AttributeValue>;

const WRITES = [
  'PutItemCommand',
  'UpdateItemCommand',
  'DeleteItemCommand',
  'BatchWriteItemCommand',
];

export class BillingMeter {
  writeUnits = 0;
  indexWriteUnits = 0;
  readUnits = 0;

  constructor(private readonly images: DynamoDBClient) {}

  attach(client: DynamoDBClient): void {
    // Before serialisation: ask reads for their consumed capacity.
    client.middlewareStack.add(
      (next, context) => async (args) => {
        if (!WRITES.includes(String(context.commandName))) {
          (args.input as Record<string, unknown>).ReturnConsumedCapacity ??= 'TOTAL';
        }
        return next(args);
      },
      { step: 'initialize', name: 'restockBillingMeterReads' },
    );
    // After serialisation the key is in wire format, as GetItem on the image client wants it.
    client.middlewareStack.add(
      (next, context) => async (args) => {
        const input = args.input as Record<string, unknown>;
        const command = String(context.commandName);
        if (!WRITES.includes(command)) {
          input.ReturnConsumedCapacity ??= 'TOTAL';
          const result = await next(args);
          const consumed = ([] as { CapacityUnits?: number }[]).concat(
            ((result.output as { ConsumedCapacity?: unknown }).ConsumedCapacity as never) ?? [],
          );
          this.readUnits += consumed.reduce((sum, c) => sum + (c.CapacityUnits ?? 0), 0);
          return result;
        }
        // A batch write bills each of its puts and deletes as the single write would.
        const written = writtenKeys(command, input);
        const before = await Promise.all(written.map(({ table, key }) => this.image(table, key)));
        try {
          return await next(args);
        } finally {
          for (const [i, { table, key }] of written.entries()) {
            const after = await this.image(table, key);
            const old = before[i];
            this.writeUnits += Math.max(1, Math.ceil(Math.max(size(old), size(after)) / 1024));
            for (const index of TABLE_INDEXES) {
              this.indexWriteUnits += indexWrites(index, old, after);
            }
          }
        }
      },
      { step: 'serialize', name: 'restockBillingMeter' },
    );
  }

  reset(): void {
    this.writeUnits = 0;
    this.indexWriteUnits = 0;
    this.readUnits = 0;
  }

  private async image(table: string, key: Item): Promise<Item | undefined> {
    const out = await this.images.send(
      new GetItemCommand({ TableName: table, Key: key, ConsistentRead: true }),
    );
    return out.Item;
  }
}

/** The items a write command writes, by table and key (in wire format). */
function writtenKeys(
  command: string,
  input: Record<string, unknown>,
): { table: string; key: Item }[] {
  if (command !== 'BatchWriteItemCommand') {
    return [
      { table: String(input.TableName), key: (input.Key ?? keyOf(input.Item as Item)) as Item },
    ];
  }
  const requests = input.RequestItems as Record<
    string,
    { PutRequest?: { Item: Item }; DeleteRequest?: { Key: Item } }[]
  >;
  return Object.entries(requests).flatMap(([table, writes]) =>
    writes.map((write) => ({
      table,
      key: write.PutRequest ? keyOf(write.PutRequest.Item) : (write.DeleteRequest?.Key as Item),
    })),
  );
}

function keyOf(item: Item): Item {
  return { pk: item.pk as AttributeValue, sk: item.sk as AttributeValue };
}

function indexWrites(index: string, before: Item | undefined, after: Item | undefined): number {
  const keyOfIndex = (item: Item | undefined) => {
    const pk = item?.[`${index}pk`]?.S;
    const sk = item?.[`${index}sk`]?.S;
    return pk === undefined || sk === undefined ? null : `${pk}\u0000${sk}`;
  };
  const old = keyOfIndex(before);
  const next = keyOfIndex(after);
  if (old === next) return 0;
  return old === null || next === null ? 1 : 2;
}

/**
 * DynamoDB's item size: attribute names plus values (strings UTF-8, binaries their bytes, numbers
 * ~ digits / 2 + 1).
 */
function size(item: Item | undefined): number {
  if (!item) return 0;
  let total = 0;
  for (const [name, value] of Object.entries(item)) {
    total += Buffer.byteLength(name) + valueSize(value);
  }
  return total;
}

function valueSize(value: AttributeValue): number {
  if (value.S !== undefined) return Buffer.byteLength(value.S);
  if (value.N !== undefined) return Math.ceil(value.N.replace(/[-.]/g, '').length / 2) + 1;
  if (value.B !== undefined) return value.B.byteLength;
  if (value.BOOL !== undefined || value.NULL !== undefined) return 1;
  if (value.L !== undefined) return 3 + value.L.reduce((sum, v) => sum + 1 + valueSize(v), 0);
  if (value.M !== undefined) return 3 + size(value.M) + Object.keys(value.M).length;
  return Buffer.byteLength(JSON.stringify(value));
}
