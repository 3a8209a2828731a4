/**
 * Button events in AWS: the table's stream carries each new button-event item once to the
 * outbox Lambda, which puts it on the bus under its own source — the rules that feed health,
 * insight and webhooks match on it.
 */
import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import type { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { marshall } from '@aws-sdk/util-dynamodb';
import type { DynamoDBRecord } from 'aws-lambda';
import { expect, it } from 'vitest';
import type { ButtonEvent } from '../../../cloud/core/events/button-events.ts';
import { EventBridgeSink } from '../../../cloud/lambdas/aws/eventbridge-sink.ts';
import { buttonEventsOf } from '../../../cloud/store/dynamo/stream-changes.ts';

const event: ButtonEvent = {
  eventId: 'btn-1/low_battery/42',
  type: 'ButtonLowBattery',
  deviceId: 'btn-1',
  brandId: 'acme',
  householdKey: null,
  at: 1_800_000_000_000,
  data: { skuId: 'coffee', batteryMv: 3290, pressesLeft: 20, daysLeft: 140 },
};

const image = (item: Record<string, unknown>) =>
  marshall(item, { removeUndefinedValues: true }) as Record<string, AttributeValue>;

it('publishes a button-event item when it is written, not when the relay marks it', () => {
  const item = { pk: 'BTNEVT#btn-1/low_battery/42', sk: 'META', type: 'button-event', event };
  const records = [
    { dynamodb: { NewImage: image({ ...item, outboxPk: 'BUTTONEVENTS' }) } },
    { dynamodb: { NewImage: image(item), OldImage: image({ ...item, outboxPk: 'BUTTONEVENTS' }) } },
    { dynamodb: { NewImage: image({ pk: 'BTN#btn-1', sk: 'META', type: 'button' }) } },
  ] as DynamoDBRecord[];
  expect(buttonEventsOf(records)).toEqual([event]);
});

it('puts button events on the bus under restock.buttons, typed by event', async () => {
  const sent: unknown[] = [];
  const client = {
    send: async (command: { input: unknown }) => {
      sent.push(command.input);
      return { FailedEntryCount: 0 };
    },
  } as unknown as EventBridgeClient;
  await new EventBridgeSink(client, 'bus').emitButtonEvents([event]);
  expect(sent).toEqual([
    {
      Entries: [
        {
          EventBusName: 'bus',
          Source: 'restock.buttons',
          DetailType: 'ButtonLowBattery',
          Time: new Date(event.at),
          Detail: JSON.stringify(event),
        },
      ],
    },
  ]);
});
