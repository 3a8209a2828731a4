import { type EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import type { OrderEvent } from '../../core/model.ts';
import type { EventSink } from '../../core/ports.ts';

/** Order events onto the Restock bus; consumers (fulfilment, notifications) subscribe by rule. */
export class EventBridgeSink implements EventSink {
  constructor(
    private readonly client: EventBridgeClient,
    private readonly busName: string,
  ) {}

  async emit(events: OrderEvent[]): Promise<void> {
    for (let i = 0; i < events.length; i += 10) {
      const batch = events.slice(i, i + 10);
      const result = await this.client.send(
        new PutEventsCommand({
          Entries: batch.map((event) => ({
            EventBusName: this.busName,
            Source: 'restock.orders',
            DetailType: event.type,
            Time: new Date(event.at),
            Detail: JSON.stringify(event),
          })),
        }),
      );
      if (result.FailedEntryCount) {
        throw new Error(`EventBridge refused ${result.FailedEntryCount} order event(s)`);
      }
    }
  }
}
