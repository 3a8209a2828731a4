/**
 * Counts store calls and consumed write/read units on a DynamoDB client, by asking every
 * request for its consumed capacity (dynalite and DynamoDB report it the same way).
 */
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';

const WRITES = new Set([
  'PutItemCommand',
  'UpdateItemCommand',
  'DeleteItemCommand',
  'BatchWriteItemCommand',
]);

export class StoreMeter {
  calls = 0;
  writeUnits = 0;
  readUnits = 0;

  attach(client: DynamoDBClient): void {
    client.middlewareStack.add(
      (next, context) => async (args) => {
        const input = args.input as Record<string, unknown>;
        input.ReturnConsumedCapacity ??= 'TOTAL';
        this.calls++;
        const result = await next(args);
        const output = result.output as { ConsumedCapacity?: unknown };
        const consumed = ([] as { CapacityUnits?: number }[]).concat(
          (output.ConsumedCapacity as never) ?? [],
        );
        const units = consumed.reduce((sum, c) => sum + (c.CapacityUnits ?? 0), 0);
        if (WRITES.has(String(context.commandName))) this.writeUnits += units;
        else this.readUnits += units;
        return result;
      },
      { step: 'initialize', name: 'restockStoreMeter' },
    );
  }

  reset(): void {
    this.calls = 0;
    this.writeUnits = 0;
    this.readUnits = 0;
  }
}
