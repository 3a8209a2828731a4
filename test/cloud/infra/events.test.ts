/**
 * Order events in AWS: table stream → outbox Lambda → bus → rule → notification Lambda → SNS.
 * What would break a real deployment or widen access is asserted on the synthesised template.
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

describe('the outbox: table stream → outbox Lambda → order-event bus', () => {
  it('streams every change with the item before and after', () => {
    const [, table] = single(ofType(resources, 'AWS::DynamoDB::Table'), 'table');
    expect(table.Properties.StreamSpecification).toEqual({ StreamViewType: 'NEW_AND_OLD_IMAGES' });
  });

  it('feeds only order and button-event items to the outbox Lambda, retries by halves, then dead-letters', () => {
    const [, mapping] = single(ofType(resources, 'AWS::Lambda::EventSourceMapping'), 'mapping');
    const p = mapping.Properties;
    expect(p.FunctionName.Ref).toBe(fnId('OrderEventsOutbox'));
    expect(p.EventSourceArn['Fn::GetAtt']).toEqual([
      expect.stringMatching(/^DataTable/),
      'StreamArn',
    ]);
    expect(p.StartingPosition).toBe('TRIM_HORIZON');
    expect(p.BisectBatchOnFunctionError).toBe(true);
    expect(p.MaximumRetryAttempts).toBeGreaterThan(0);
    expect(JSON.parse(p.FilterCriteria.Filters[0].Pattern)).toEqual({
      dynamodb: { NewImage: { type: { S: ['order', 'button-event'] } } },
    });
    expect(p.DestinationConfig.OnFailure.Destination['Fn::GetAtt'][0]).toBe(
      queueId('EventDeadLetters'),
    );
  });

  it('lets the outbox Lambda read the stream and put events on the bus, nothing else', () => {
    expect(actionsOf('OrderEventsOutbox')).toEqual([
      'dynamodb:DescribeStream',
      'dynamodb:GetRecords',
      'dynamodb:GetShardIterator',
      'dynamodb:ListStreams',
      'events:PutEvents',
      'sqs:GetQueueAttributes',
      'sqs:GetQueueUrl',
      'sqs:SendMessage',
    ]);
    expect(resourcesFor('OrderEventsOutbox', 'dynamodb:GetRecords')).toEqual([
      expect.stringMatching(/^\$\{DataTable\w+\.StreamArn\}$/),
    ]);
    expect(resourcesFor('OrderEventsOutbox', 'events:PutEvents')).toEqual([
      expect.stringMatching(/^\$\{MessagingOrderEvents\w+\.Arn\}$/),
    ]);
  });

  it('leaves publishing to the outbox: press, API and sweep put no events and publish nothing', () => {
    for (const name of ['Press', 'Api', 'Sweep']) {
      const actions = actionsOf(name);
      expect(actions, name).not.toContain('events:PutEvents');
      expect(actions, name).not.toContain('sns:Publish');
    }
  });
});

describe('notifications: a rule on the bus → notification Lambda → household items and SNS', () => {
  const notifyRule = () =>
    single(
      ofType(resources, 'AWS::Events::Rule').filter(([id]) =>
        id.startsWith('OrderEventsNotifyRule'),
      ),
      'notify rule',
    )[1].Properties;

  it('sends every order event from the bus to the notification Lambda', () => {
    const rule = notifyRule();
    expect(rule.EventBusName.Ref).toMatch(/^MessagingOrderEvents/);
    expect(rule.EventPattern).toEqual({ source: ['restock.orders'] });
    const [target] = rule.Targets;
    expect(target.Arn['Fn::GetAtt'][0]).toBe(fnId('OrderEventsNotify'));
  });

  it('retries a failed delivery and then keeps it in the event dead-letter queue', () => {
    const [target] = notifyRule().Targets;
    expect(target.RetryPolicy.MaximumRetryAttempts).toBeGreaterThan(0);
    expect(target.DeadLetterConfig.Arn['Fn::GetAtt'][0]).toBe(queueId('EventDeadLetters'));
    const fn = resources[fnId('OrderEventsNotify')]?.Properties;
    expect(fn.DeadLetterConfig.TargetArn['Fn::GetAtt'][0]).toBe(queueId('EventDeadLetters'));
    const [, policy] = single(
      ofType(resources, 'AWS::SQS::QueuePolicy').filter(([, q]) =>
        q.Properties.Queues.some((ref: Cfn) => ref.Ref === queueId('EventDeadLetters')),
      ),
      'event dead-letter queue policy',
    );
    const allowEvents = policy.Properties.PolicyDocument.Statement.find(
      (s: Cfn) => s.Principal?.Service === 'events.amazonaws.com',
    );
    expect(allowEvents.Action).toBe('sqs:SendMessage');
    expect(allowEvents.Condition.ArnEquals['aws:SourceArn']['Fn::GetAtt'][0]).toMatch(
      /^OrderEventsNotifyRule/,
    );
  });

  it('lets the notification Lambda put items in the table and publish to the household topic only', () => {
    expect(actionsOf('OrderEventsNotify')).toEqual([
      'dynamodb:PutItem',
      'sns:Publish',
      'sqs:SendMessage',
    ]);
    expect(resourcesFor('OrderEventsNotify', 'dynamodb:PutItem')).toEqual([
      expect.stringMatching(/^\$\{DataTable\w+\.Arn\}$/),
    ]);
    expect(resourcesFor('OrderEventsNotify', 'sns:Publish')).toEqual([
      expect.stringMatching(/^\$\{MessagingHouseholdNotifications\w+\}$/),
    ]);
    const env = resources[fnId('OrderEventsNotify')]?.Properties.Environment.Variables;
    expect(env.NOTIFY_TOPIC_ARN.Ref).toMatch(/^MessagingHouseholdNotifications/);
    expect(env.MASTER_KEY_SECRET_ARN).toBeUndefined();
  });
});

describe('statistics: a rule on the bus → statistics Lambda → brand statistics buckets', () => {
  it('sends every order and button event to the statistics Lambda, retried then dead-lettered', () => {
    const [, rule] = single(
      ofType(resources, 'AWS::Events::Rule').filter(([id]) =>
        id.startsWith('OrderEventsStatsRule'),
      ),
      'stats rule',
    );
    expect(rule.Properties.EventPattern).toEqual({
      source: ['restock.orders', 'restock.buttons'],
    });
    const [target] = rule.Properties.Targets;
    expect(target.Arn['Fn::GetAtt'][0]).toBe(fnId('OrderEventsStats'));
    expect(target.RetryPolicy.MaximumRetryAttempts).toBeGreaterThan(0);
    expect(target.DeadLetterConfig.Arn['Fn::GetAtt'][0]).toBe(queueId('EventDeadLetters'));
  });

  it('lets the statistics Lambda read and conditionally write table items only', () => {
    expect(actionsOf('OrderEventsStats')).toEqual([
      'dynamodb:GetItem',
      'dynamodb:PutItem',
      'dynamodb:UpdateItem',
      'sqs:SendMessage',
    ]);
    expect(resourcesFor('OrderEventsStats', 'dynamodb:UpdateItem')).toEqual([
      expect.stringMatching(/^\$\{DataTable\w+\.Arn\}$/),
    ]);
  });
});

describe('webhooks: a rule on the bus and a schedule → webhooks Lambda', () => {
  it('queues every order and button event and posts due deliveries every minute', () => {
    const rules = ofType(resources, 'AWS::Events::Rule');
    const [, onBus] = single(
      rules.filter(([id]) => id.startsWith('OrderEventsWebhooksRule')),
      'webhooks rule',
    );
    expect(onBus.Properties.EventPattern).toEqual({
      source: ['restock.orders', 'restock.buttons'],
    });
    expect(onBus.Properties.Targets[0].Arn['Fn::GetAtt'][0]).toBe(fnId('OrderEventsWebhooks'));
    expect(onBus.Properties.Targets[0].DeadLetterConfig.Arn['Fn::GetAtt'][0]).toBe(
      queueId('EventDeadLetters'),
    );
    const [, schedule] = single(
      rules.filter(([id]) => id.startsWith('OrderEventsWebhooksSchedule')),
      'webhooks schedule',
    );
    expect(schedule.Properties.ScheduleExpression).toBe('rate(1 minute)');
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
