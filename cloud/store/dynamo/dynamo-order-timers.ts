/**
 * Order timers on DynamoDB (see core/events/order-timers.ts): one item per timer in the
 * partition of its due day, sorted by due time, in no index. The sweep reads the partitions of
 * the last TIMER_LOOKBACK_DAYS days up to now.
 */
import { DeleteCommand, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { OrderTimer, TimerRef } from '../../core/events/order-timers.ts';
import { guarded } from './dynamo-errors.ts';
import type { Table } from './table.ts';
import { timerKey, timerPartition } from './table-keys.ts';

/** How far back the sweep looks for timers it has not handled (a sweep down that long is an outage). */
export const TIMER_LOOKBACK_DAYS = 14;
const DAY_MS = 86_400_000;

type StoredRef = [deviceId: string, seq: number, deadline: number];

export class DynamoOrderTimers {
  constructor(private readonly table: Table) {}

  async file(timers: OrderTimer[]): Promise<void> {
    await Promise.all(
      timers.map((timer) =>
        guarded('fileTimers', () =>
          this.table.doc.send(
            new PutCommand({
              TableName: this.table.name,
              Item: {
                ...timerKey(timer.due, timer.eventId),
                type: 'timer',
                refs: timer.refs.map((r): StoredRef => [r.deviceId, r.seq, r.deadline]),
              },
            }),
          ),
        ),
      ),
    );
  }

  async due(before: number, limit: number): Promise<OrderTimer[]> {
    const days = Array.from({ length: TIMER_LOOKBACK_DAYS + 1 }, (_, i) =>
      timerPartition(before - i * DAY_MS),
    );
    const found = await Promise.all(
      days.map((pk) =>
        guarded('dueTimers', () =>
          this.table.doc.send(
            new QueryCommand({
              TableName: this.table.name,
              KeyConditionExpression: 'pk = :pk AND sk <= :before',
              ExpressionAttributeValues: { ':pk': pk, ':before': timerKey(before, '~').sk },
              ConsistentRead: true,
              Limit: limit,
            }),
          ),
        ),
      ),
    );
    return found
      .flatMap((result) => (result.Items ?? []).map(fromTimerItem))
      .sort((a, b) => a.due - b.due || (a.eventId < b.eventId ? -1 : 1))
      .slice(0, limit);
  }

  async remove(timer: OrderTimer): Promise<void> {
    await guarded('removeTimer', () =>
      this.table.doc.send(
        new DeleteCommand({ TableName: this.table.name, Key: timerKey(timer.due, timer.eventId) }),
      ),
    );
  }
}

function fromTimerItem(item: Record<string, unknown>): OrderTimer {
  const sk = String(item.sk);
  const at = sk.indexOf('#');
  const refs = (item.refs as StoredRef[]).map(
    ([deviceId, seq, deadline]): TimerRef => ({ deviceId, seq, deadline }),
  );
  return { due: Number(sk.slice(0, at)), eventId: sk.slice(at + 1), refs };
}
