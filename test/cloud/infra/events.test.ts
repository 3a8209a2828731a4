/**
 * Order events in AWS: table stream → order-event Lambda (one invocation per batch) → household
 * notifications and SNS, statistics, the webhook queue, and the brand bus. What would break a
 * real deployment or widen access is asserted on the synthesised template.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import {
  asArray,
  type Cfn,
  flatten,
  ofType,
  type Resources,
  single,
  statementsOfRole,
  synth,
} from './synth.ts';

let resources: Resources;
beforeAll(() => {
  ({ resources } = synth());
});

const fnId = (prefix: string) =>
  single(
    ofType(resources, 'AWS::Lambda::Function').filter(([id]) => id.startsWith(prefix)),
    `${prefix} function`,
  )[0];
const roleOf = (prefix: string) =>
  resources[fnId(prefix)]?.Properties.Role['Fn::GetAtt'][0] as string;
const actionsOf = (prefix: string) =>
  statementsOfRole(resources, roleOf(prefix))
    .flatMap((s: Cfn) => asArray<string>(s.Action))
    .filter((a) => !a.startsWith('logs:'))
    .sort();
const resourcesFor = (prefix: string, action: string) =>
  statementsOfRole(resources, roleOf(prefix))
    .filter((s: Cfn) => asArray<string>(s.Action).includes(action))
    .flatMap((s: Cfn) => asArray(s.Resource).map(flatten));
const queueId = (prefix: string) =>
  single(
    ofType(resources, 'AWS::SQS::Queue').filter(([id]) => id.startsWith(prefix)),
    `${prefix} queue`,
  )[0];

describe('order events: table stream → order-event Lambda, one invocation per batch', () => {
  it('streams every change with the item before and after', () => {
    const [, table] = single(ofType(resources, 'AWS::DynamoDB::Table'), 'table');
    expect(table.Properties.StreamSpecification).toEqual({ StreamViewType: 'NEW_AND_OLD_IMAGES' });
  });

  it('feeds only order, button-event and button items, in batches gathered for a few seconds, retries by halves, then dead-letters', () => {
    const [, mapping] = single(ofType(resources, 'AWS::Lambda::EventSourceMapping'), 'mapping');
    const p = mapping.Properties;
    expect(p.FunctionName.Ref).toBe(fnId('OrderEventsOutbox'));
    expect(p.EventSourceArn['Fn::GetAtt']).toEqual([
      expect.stringMatching(/^DataTable/),
      'StreamArn',
    ]);
    expect(p.StartingPosition).toBe('TRIM_HORIZON');
    expect(p.BatchSize).toBe(100);
    expect(p.MaximumBatchingWindowInSeconds).toBe(5);
    expect(p.BisectBatchOnFunctionError).toBe(true);
    expect(p.MaximumRetryAttempts).toBeGreaterThan(0);
    expect(JSON.parse(p.FilterCriteria.Filters[0].Pattern)).toEqual({
      dynamodb: { NewImage: { type: { S: ['order', 'button-event', 'button'] } } },
    });
    expect(p.DestinationConfig.OnFailure.Destination['Fn::GetAtt'][0]).toBe(
      queueId('EventDeadLetters'),
    );
  });

  it('lets the order-event Lambda read the stream, use table items, publish to households and the bus, nothing else', () => {
    expect(actionsOf('OrderEventsOutbox')).toEqual([
      'dynamodb:BatchGetItem',
      'dynamodb:BatchWriteItem',
      'dynamodb:DescribeStream',
      'dynamodb:GetItem',
      'dynamodb:GetRecords',
      'dynamodb:GetShardIterator',
      'dynamodb:ListStreams',
      'dynamodb:PutItem',
      'dynamodb:Query',
      'dynamodb:UpdateItem',
      'events:PutEvents',
      'sns:Publish',
      'sqs:GetQueueAttributes',
      'sqs:GetQueueUrl',
      'sqs:SendMessage',
    ]);
    expect(resourcesFor('OrderEventsOutbox', 'dynamodb:GetRecords')).toEqual([
      expect.stringMatching(/^\$\{DataTable\w+\.StreamArn\}$/),
    ]);
    for (const action of [
      'dynamodb:BatchGetItem',
      'dynamodb:BatchWriteItem',
      'dynamodb:PutItem',
      'dynamodb:Query',
      'dynamodb:UpdateItem',
    ]) {
      expect(resourcesFor('OrderEventsOutbox', action), action).toEqual([
        expect.stringMatching(/^\$\{DataTable\w+\.Arn\}$/),
      ]);
    }
    expect(resourcesFor('OrderEventsOutbox', 'sns:Publish')).toEqual([
      expect.stringMatching(/^\$\{MessagingHouseholdNotifications\w+\}$/),
    ]);
    expect(resourcesFor('OrderEventsOutbox', 'events:PutEvents')).toEqual([
      expect.stringMatching(/^\$\{MessagingOrderEvents\w+\.Arn\}$/),
    ]);
    const env = resources[fnId('OrderEventsOutbox')]?.Properties.Environment.Variables;
    expect(env.NOTIFY_TOPIC_ARN.Ref).toMatch(/^MessagingHouseholdNotifications/);
    expect(env.EVENT_BUS_NAME.Ref).toMatch(/^MessagingOrderEvents/);
    expect(env.MASTER_KEY_SECRET_ARN).toBeUndefined();
  });

  it('invokes no Lambda per event: no rule of the stack reads the bus (it is for brands)', () => {
    const onBus = ofType(resources, 'AWS::Events::Rule').filter(([, rule]) =>
      String(rule.Properties.EventBusName?.Ref ?? '').startsWith('MessagingOrderEvents'),
    );
    expect(onBus).toEqual([]);
  });

  it('leaves publishing to the order-event Lambda: press, API and sweep put no events and publish nothing', () => {
    for (const name of ['Press', 'Api', 'Sweep']) {
      const actions = actionsOf(name);
      expect(actions, name).not.toContain('events:PutEvents');
      expect(actions, name).not.toContain('sns:Publish');
    }
  });
});

describe('webhooks: a schedule → webhooks Lambda', () => {
  it('posts due deliveries every minute', () => {
    const [, schedule] = single(
      ofType(resources, 'AWS::Events::Rule').filter(([id]) =>
        id.startsWith('OrderEventsWebhooksSchedule'),
      ),
      'webhooks schedule',
    );
    expect(schedule.Properties.ScheduleExpression).toBe('rate(1 minute)');
    expect(schedule.Properties.Targets[0].Arn['Fn::GetAtt'][0]).toBe(fnId('OrderEventsWebhooks'));
  });

  it('lets the webhooks Lambda read, put and query the due index only', () => {
    expect(actionsOf('OrderEventsWebhooks')).toEqual([
      'dynamodb:BatchGetItem',
      'dynamodb:GetItem',
      'dynamodb:PutItem',
      'dynamodb:Query',
      'sqs:SendMessage',
    ]);
  });
});
