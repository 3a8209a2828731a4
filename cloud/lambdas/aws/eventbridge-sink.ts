import { type EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import type { ButtonEvent, ButtonEventSink } from '../../core/events/button-events.ts';
import type { OrderEvent } from '../../core/model.ts';
import type { EventSink } from '../../core/ports.ts';

export const ORDER_SOURCE = 'restock.orders';
export const BUTTON_SOURCE = 'restock.buttons';

/** Order and button events onto the Restock bus; consumers subscribe by rule. */
export class EventBridgeSink implements EventSink, ButtonEventSink {
  constructor(
    private readonly client: EventBridgeClient,
    private readonly busName: string,
  ) {}

  emit(events: OrderEvent[]): Promise<void> {
    return this.put(ORDER_SOURCE, events);
  }

  emitButtonEvents(events: ButtonEvent[]): Promise<void> {
    return this.put(BUTTON_SOURCE, events);
  }

  private async put(source: string, events: (OrderEvent | ButtonEvent)[]): Promise<void> {
    for (let i = 0; i < events.length; i += 10) {
      const batch = events.slice(i, i + 10);
      const result = await this.client.send(
        new PutEventsCommand({
          Entries: batch.map((event) => ({
            EventBusName: this.busName,
            Source: source,
            DetailType: event.type,
            Time: new Date(event.at),
            Detail: JSON.stringify(event),
          })),
        }),
      );
      if (result.FailedEntryCount) {
        throw new Error(`EventBridge refused ${result.FailedEntryCount} event(s) from ${source}`);
      }
    }
  }
}
