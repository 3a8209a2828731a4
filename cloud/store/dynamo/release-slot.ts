import { GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { recordClosedOrder } from '../../core/guard/rhythm.ts';
import type { Order } from '../../core/model.ts';
import { reminderArmedAt } from '../../core/reminders/reminder-store.ts';
import { fromButtonItem } from './button-item.ts';
import { conditional, guarded } from './dynamo-errors.ts';
import type { Table } from './table.ts';
import { keys, REMINDER_PARTITION, reminderKey } from './table-keys.ts';

/**
 * Frees a closed order's slot on its button and records the order in the button's rhythm in
 * the same update, so the rhythm counts each order exactly once (and a delivery arms the
 * next-need reminder timer in that write too). The condition on the list's
 * size makes concurrent releases (which all rewrite the rhythm) retry instead of losing one.
 */
export async function releaseSlot(table: Table, order: Order): Promise<void> {
  for (let attempt = 0; attempt < 5; attempt++) {
    const result = await guarded('releaseSlot.read', () =>
      table.doc.send(
        new GetCommand({
          TableName: table.name,
          Key: keys.button(order.deviceId),
          ConsistentRead: true,
        }),
      ),
    );
    if (!result.Item) return;
    const button = fromButtonItem(result.Item);
    const index = button.open.findIndex((open) => open.seq === order.seq);
    if (index < 0) return;
    const rhythm = recordClosedOrder(button.rhythm, order, button.settings.learnRhythm);
    // A delivery the rhythm learned from (re)arms the next-need reminder timer.
    const armAt = reminderArmedAt(order, button.settings.learnRhythm);
    const arm =
      armAt === null
        ? {}
        : { ':g3pk': REMINDER_PARTITION, ':g3sk': reminderKey(armAt, order.deviceId) };
    const released = await conditional('releaseSlot', () =>
      table.doc.send(
        new UpdateCommand({
          TableName: table.name,
          Key: keys.button(order.deviceId),
          UpdateExpression: `REMOVE #open[${index}] SET rhythm = :rhythm${armAt === null ? '' : ', gsi3pk = :g3pk, gsi3sk = :g3sk'}`,
          ConditionExpression: `#open[${index}].seq = :seq AND size(#open) = :size`,
          ExpressionAttributeNames: { '#open': 'open' },
          ExpressionAttributeValues: {
            ':seq': order.seq,
            ':size': button.open.length,
            ':rhythm': rhythm,
            ...arm,
          },
        }),
      ),
    );
    if (released) return;
  }
}
