/**
 * The Lambda entry points as Lambda runs them, with their real AWS adapters (SDK v3 clients) on
 * the wire: Secrets Manager, the IoT data plane, EventBridge and SNS answer from a recording
 * loopback server in their wire formats; the table is dynalite. A press commits an order on its
 * button and is acked; the stream Lambda, handed the button's change, writes the order item; handed
 * the order item's change, it writes the household's notification, publishes the SNS message its
 * subscribers receive, and puts the events a brand acts on on the bus.
 */
import { GetItemCommand } from '@aws-sdk/client-dynamodb';
import { SNSClient } from '@aws-sdk/client-sns';
import type { DynamoDBStreamEvent } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  decodeAck,
  deriveDeviceKey,
  encodePress,
  signPress,
  toHex,
  verifyAck,
} from '#shared/index';
import type { OrderEvent } from '../../../cloud/core/model.ts';
import { pressEventFor } from '../../../cloud/core/press/press-event.ts';
import { SnsSubscriptionChannel } from '../../../cloud/lambdas/aws/sns-subscriptions.ts';
import { type DynaliteServer, startDynalite } from '../../../cloud/store/dynamo/dynalite-server.ts';
import { DynamoNotificationStore } from '../../../cloud/store/dynamo/dynamo-notification-store.ts';
import { ensureTable, openTable, type Table } from '../../../cloud/store/dynamo/table.ts';
import { keys } from '../../../cloud/store/dynamo/table-keys.ts';
import { FakeAws, snsXml, type WireRequest } from '../../helpers/aws-wire.ts';
import { nodeSha256 } from '../../helpers/sha256.ts';
import { dynamoUnderTest } from '../../helpers/stores.ts';
import { button, MASTER_KEY, sku } from '../../helpers/world.ts';

const REGION = 'eu-central-1';
const ACCOUNT = '123456789012';
const SECRET_ARN = `arn:aws:secretsmanager:${REGION}:${ACCOUNT}:secret:restock-master-AbCdEf`;
const BUS = 'RestockOrderEvents';
const TOPIC_ARN = `arn:aws:sns:${REGION}:${ACCOUNT}:Restock-HouseholdNotifications`;

/** The SNS message a household's e-mail or SMS subscriber gets for the press below. */
const SNS_MESSAGE = 'Ordered 1 × Coffee beans 1 kg at €12.99.';

let dynalite: DynaliteServer;
let aws: FakeAws;
let table: Table;
const saved = { ...process.env };

function answer(request: WireRequest) {
  const json = (body: unknown) => ({
    contentType: 'application/x-amz-json-1.1',
    body: JSON.stringify(body),
  });
  switch (`${request.service} ${request.operation}`) {
    case 'secretsmanager GetSecretValue':
      return json({
        ARN: SECRET_ARN,
        Name: 'restock-master',
        SecretString: JSON.stringify({ 1: toHex(MASTER_KEY) }),
        VersionId: 'v1',
      });
    case 'iotdata POST /topics/restock%2Fv1%2Fbtn-1%2Fack':
    case 'iotdata POST /topics/restock/v1/btn-1/ack':
      return { contentType: 'application/json', body: '{}' };
    case 'events PutEvents':
      return json({ FailedEntryCount: 0, Entries: [{ EventId: 'eb-0001' }] });
    case 'sns Publish':
      return {
        contentType: 'text/xml',
        body: snsXml('Publish', '<MessageId>sns-0001</MessageId>'),
      };
    case 'sns Subscribe':
      return {
        contentType: 'text/xml',
        body: snsXml('Subscribe', `<SubscriptionArn>${TOPIC_ARN}:5c1a7e0d</SubscriptionArn>`),
      };
    case 'sns Unsubscribe':
      return { contentType: 'text/xml', body: snsXml('Unsubscribe', '') };
    default:
      return undefined;
  }
}

beforeAll(async () => {
  dynalite = await startDynalite();
  aws = await FakeAws.start(answer);
  table = openTable({ tableName: 'restock-wire', endpoint: dynalite.endpoint });
  await ensureTable(table);
  const store = dynamoUnderTest(table);
  await store.putSku(sku());
  await store.putButton(button('btn-1'));
  Object.assign(process.env, {
    AWS_REGION: REGION,
    AWS_ACCESS_KEY_ID: 'AKIDEXAMPLEWIRETEST',
    AWS_SECRET_ACCESS_KEY: 'wire-test-secret',
    AWS_ENDPOINT_URL: aws.url,
    POWERTOOLS_LOG_LEVEL: 'SILENT',
    TABLE_NAME: table.name,
    DYNAMODB_ENDPOINT: dynalite.endpoint,
    MASTER_KEY_SECRET_ARN: SECRET_ARN,
    IOT_DATA_ENDPOINT: aws.url,
    EVENT_BUS_NAME: BUS,
    NOTIFY_TOPIC_ARN: TOPIC_ARN,
  });
});

afterAll(async () => {
  process.env = saved;
  table?.raw.destroy();
  await aws?.close();
  await dynalite?.close();
});

describe('press → stream → order-event Lambda → notification, SNS, brand bus, as Lambda runs it', () => {
  it('places the order, notifies the household and its SNS subscribers once, puts brand events on the bus', async () => {
    const press = await import('../../../cloud/lambdas/press.ts');
    const outbox = await import('../../../cloud/lambdas/outbox.ts');
    // The household chose e-mail: its notifications are announced on SNS.
    await new DynamoNotificationStore(table).putSubscription({
      householdId: 'hh-1',
      subscriptionId: 'sub-1',
      protocol: 'email',
      endpoint: 'alerts@example.org',
      createdAt: Date.now(),
      reference: `${TOPIC_ARN}:5c1a7e0d`,
    });

    // 1. The IoT rule invokes the press Lambda.
    const deviceKey = deriveDeviceKey(nodeSha256, MASTER_KEY, 'btn-1', 1);
    const pressOf = (seq: number, click: 'SINGLE' | 'LONG') =>
      pressEventFor(
        'btn-1',
        encodePress(
          signPress(nodeSha256, deviceKey, {
            device: 'btn-1',
            seq,
            click,
            battery_mv: 2950,
            attempt: 1,
            kv: 1,
          }),
        ),
        Date.now(),
      );
    const item = async (sk: string) =>
      (
        await table.raw.send(
          new GetItemCommand({
            TableName: table.name,
            Key: { pk: { S: 'BTN#btn-1' }, sk: { S: sk } },
          }),
        )
      ).Item;
    const buttonItem = () => item(keys.button('btn-1').sk);
    const orderItem = () => item(keys.press('btn-1', 1).sk);
    const idle = await buttonItem();
    const result = await press.handler(pressOf(1, 'SINGLE'));
    expect(result).toEqual({ outcome: 'ORDERED', reason: null });
    // The press Lambda wrote only its claim: the order is on the button, its item follows.
    expect(await orderItem()).toBeUndefined();
    const claimed = await buttonItem();

    const [secret] = aws.of('secretsmanager');
    expect(secret?.region).toBe(REGION);
    expect(secret?.headers['x-amz-target']).toBe('secretsmanager.GetSecretValue');
    expect(secret?.headers['content-type']).toBe('application/x-amz-json-1.1');
    expect(secret?.json).toEqual({ SecretId: SECRET_ARN });

    const [ack] = aws.of('iotdata');
    expect(ack?.method).toBe('POST');
    expect(decodeURIComponent(ack?.path ?? '')).toBe('/topics/restock/v1/btn-1/ack');
    expect(ack?.query.get('qos')).toBe('1');
    const decoded = decodeAck(ack?.body ?? '');
    expect(decoded.ok && decoded.message).toMatchObject({
      seq: 1,
      outcome: 'ORDERED',
      order: 'btn-1-1',
    });
    expect(decoded.ok && verifyAck(nodeSha256, deviceKey, decoded.message)).toBe(true);
    // The press Lambda itself publishes nothing: the event leaves through the stream.
    expect(aws.of('events')).toEqual([]);
    expect(aws.of('sns')).toEqual([]);

    const record = (NewImage: unknown, OldImage?: unknown) =>
      ({
        eventID: '1',
        eventName: OldImage ? 'MODIFY' : 'INSERT',
        eventSource: 'aws:dynamodb',
        awsRegion: REGION,
        dynamodb: {
          NewImage: NewImage as never,
          ...(OldImage ? { OldImage: OldImage as never } : {}),
          StreamViewType: 'NEW_AND_OLD_IMAGES',
        },
      }) as const;
    // 2. DynamoDB Streams hands the button's MODIFY (wire format) to the stream Lambda, twice (a
    // stream batch is delivered at least once): the commit relay writes the order item once.
    const claim: DynamoDBStreamEvent = { Records: [record(claimed, idle)] };
    expect(await outbox.handler(claim)).toEqual({ relayed: 1, published: 0 });
    expect(await outbox.handler(claim)).toEqual({ relayed: 0, published: 0 });
    const placed = await orderItem();
    expect(placed?.type).toEqual({ S: 'order' });

    // 3. Then the order item's INSERT, twice: the order events.
    const stream: DynamoDBStreamEvent = { Records: [record(placed)] };
    expect(await outbox.handler(stream)).toEqual({ relayed: 0, published: 1 });
    expect(await outbox.handler(stream)).toEqual({ relayed: 0, published: 1 });

    const notes = await new DynamoNotificationStore(table).listNotifications('hh-1', { limit: 10 });
    const at = notes.items[0]?.at;
    expect(notes.items).toEqual([
      {
        householdId: 'hh-1',
        notificationId: 'btn-1-1/1',
        at,
        kind: 'OrderPlaced',
        orderId: 'btn-1-1',
        message: SNS_MESSAGE,
        texts: {
          en: SNS_MESSAGE,
          fr: expect.stringMatching(/^Commande passée : 1 × Coffee beans 1 kg/),
        },
      },
    ]);
    const [publish] = aws.of('sns');
    expect(publish?.region).toBe(REGION);
    expect(Object.fromEntries(publish?.form ?? [])).toEqual({
      Action: 'Publish',
      Version: '2010-03-31',
      TopicArn: TOPIC_ARN,
      Subject: 'Restock',
      Message: SNS_MESSAGE,
      'MessageAttributes.entry.1.Name': 'householdId',
      'MessageAttributes.entry.1.Value.DataType': 'String',
      'MessageAttributes.entry.1.Value.StringValue': 'hh-1',
      'MessageAttributes.entry.2.Name': 'kind',
      'MessageAttributes.entry.2.Value.DataType': 'String',
      'MessageAttributes.entry.2.Value.StringValue': 'OrderPlaced',
    });
    // A placed order concerns the household only: nothing on the brand bus.
    expect(aws.of('events')).toEqual([]);

    // 4. A LONG press cancels it before its ack (the button's change owes nothing more); the
    // order's MODIFY carries OrderCancelled, which the brand must hear of: the bus gets it, as
    // brands' rules read it.
    const beforeCancel = await buttonItem();
    expect(await press.handler(pressOf(2, 'LONG'))).toMatchObject({ outcome: 'CANCELLED' });
    expect(
      await outbox.handler({
        Records: [record(await buttonItem(), beforeCancel), record(await orderItem(), placed)],
      }),
    ).toEqual({ relayed: 0, published: 1 });
    const [put] = aws.of('events');
    expect(put?.headers['x-amz-target']).toBe('AWSEvents.PutEvents');
    const entries = (put?.json as { Entries?: Record<string, unknown>[] } | undefined)?.Entries;
    expect(entries).toHaveLength(1);
    expect(entries?.[0]).toMatchObject({
      EventBusName: BUS,
      Source: 'restock.orders',
      DetailType: 'OrderCancelled',
    });
    const detail = JSON.parse(entries?.[0]?.Detail as string) as OrderEvent;
    expect(detail).toMatchObject({ eventId: 'btn-1-1/2', orderId: 'btn-1-1', householdId: 'hh-1' });

    // Every request was signed for the service and region it went to.
    for (const request of aws.requests) {
      expect(String(request.headers.authorization)).toMatch(
        new RegExp(
          `^AWS4-HMAC-SHA256 Credential=AKIDEXAMPLEWIRETEST/\\d{8}/${REGION}/${request.service}/aws4_request`,
        ),
      );
    }
    const calls = aws.requests.map((r) => `${r.service} ${r.operation.split(' ')[0]}`);
    expect(calls.slice(0, 5)).toEqual([
      'secretsmanager GetSecretValue',
      'iotdata POST',
      'sns Publish',
      'sns Publish',
      'iotdata POST',
    ]);
    // The consumers of one batch run at once: SNS and the bus in either order.
    expect(calls.slice(5).sort()).toEqual(['events PutEvents', 'sns Publish']);
  });
});

describe('household subscriptions on SNS, as the API Lambda makes them', () => {
  it('subscribes with a filter policy on the household and unsubscribes by the returned ARN', async () => {
    const channel = new SnsSubscriptionChannel(new SNSClient({}), TOPIC_ARN);
    const reference = await channel.subscribe('hh-1', 'email', 'alerts@example.org');
    expect(reference).toBe(`${TOPIC_ARN}:5c1a7e0d`);
    await channel.unsubscribe(reference);
    const [subscribe, unsubscribe] = aws.of('sns').filter((r) => r.operation !== 'Publish');
    expect(Object.fromEntries(subscribe?.form ?? [])).toEqual({
      Action: 'Subscribe',
      Version: '2010-03-31',
      TopicArn: TOPIC_ARN,
      Protocol: 'email',
      Endpoint: 'alerts@example.org',
      'Attributes.entry.1.key': 'FilterPolicyScope',
      'Attributes.entry.1.value': 'MessageAttributes',
      'Attributes.entry.2.key': 'FilterPolicy',
      'Attributes.entry.2.value': JSON.stringify({ householdId: ['hh-1'] }),
      ReturnSubscriptionArn: 'true',
    });
    expect(Object.fromEntries(unsubscribe?.form ?? [])).toEqual({
      Action: 'Unsubscribe',
      Version: '2010-03-31',
      SubscriptionArn: `${TOPIC_ARN}:5c1a7e0d`,
    });
  });
});
