/**
 * After a restart: finishes what committed presses still owe (order items, press records) when
 * the stack died between a press's ack and the writes that follow it. The table has no stream
 * here, so this one scan at start-up stands in for it, before the stack takes presses.
 */
import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import type { Log } from '../core/ports.ts';
import type { PressService } from '../core/press/press-service.ts';
import type { Table } from '../store/dynamo/table.ts';

export async function finishCommittedPresses(
  table: Table,
  presses: PressService,
  log: Log,
): Promise<number> {
  let written = 0;
  let start: Record<string, unknown> | undefined;
  do {
    const page = await table.doc.send(
      new ScanCommand({
        TableName: table.name,
        FilterExpression: '#type = :button AND (size(#open) > :none OR size(recent) > :none)',
        ExpressionAttributeNames: { '#type': 'type', '#open': 'open' },
        ExpressionAttributeValues: { ':button': 'button', ':none': 0 },
        ProjectionExpression: 'deviceId',
        ExclusiveStartKey: start,
      }),
    );
    for (const item of page.Items ?? []) {
      written += await presses.finishCommitted(String(item.deviceId));
    }
    start = page.LastEvaluatedKey;
  } while (start);
  if (written > 0) log.info('finished committed presses', { written });
  return written;
}
