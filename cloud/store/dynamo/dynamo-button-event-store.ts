/**
 * ButtonEventStore on the table: one item per event (`BTNEVT#{id}` / `META`, type
 * `button-event`), expiring after 30 days. In AWS the stream publishes each new one; tables
 * without streams list the unpublished ones on the outbox index under their own partition.
 */
import { PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { ButtonEvent, ButtonEventStore } from '../../core/events/button-events.ts';
import { conditional } from './dynamo-errors.ts';
import { queryIndexItems } from './index-query.ts';
import type { Table } from './table.ts';
import { BUTTON_EVENTS_PENDING, keys, OUTBOX_INDEX, timeKey } from './table-keys.ts';

const EVENT_TTL_S = 30 * 24 * 3600;

export class DynamoButtonEventStore implements ButtonEventStore {
  constructor(private readonly table: Table) {}

  addEvent(event: ButtonEvent): Promise<boolean> {
    return conditional('addButtonEvent', () =>
      this.table.doc.send(
        new PutCommand({
          TableName: this.table.name,
          Item: {
            ...keys.buttonEvent(event.eventId),
            type: 'button-event',
            event,
            outboxPk: BUTTON_EVENTS_PENDING,
            outboxSk: `${timeKey(event.at)}#${event.eventId}`,
            expiresAt: Math.floor(event.at / 1000) + EVENT_TTL_S,
          },
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      ),
    );
  }

  async pendingEvents(limit: number): Promise<ButtonEvent[]> {
    const page = await queryIndexItems(this.table, 'pendingButtonEvents', {
      IndexName: OUTBOX_INDEX,
      KeyConditionExpression: 'outboxPk = :pending',
      ExpressionAttributeValues: { ':pending': BUTTON_EVENTS_PENDING },
      Limit: limit,
    });
    return page.items.map((item) => item.event as ButtonEvent);
  }

  async markEventPublished(eventId: string): Promise<void> {
    await conditional('markButtonEventPublished', () =>
      this.table.doc.send(
        new UpdateCommand({
          TableName: this.table.name,
          Key: keys.buttonEvent(eventId),
          UpdateExpression: 'REMOVE outboxPk, outboxSk',
          ConditionExpression: 'attribute_exists(pk)',
        }),
      ),
    );
  }
}
