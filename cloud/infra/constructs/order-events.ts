/**
 * Order events in AWS: the table's stream → the outbox Lambda → the order-event bus → a rule →
 * the notification Lambda (household notifications in the table, SNS for its subscribers), and
 * a second rule → the statistics Lambda (brand statistics buckets), a third → the webhooks
 * Lambda (delivery queue), which a schedule also runs to post due deliveries.
 * Every hop retries and ends in the dead-letter queue; events carry stable ids, so a retry that
 * repeats one is harmless.
 */
import { Duration, Validations } from 'aws-cdk-lib';
import type { Table } from 'aws-cdk-lib/aws-dynamodb';
import { type EventBus, Rule, Schedule } from 'aws-cdk-lib/aws-events';
import { LambdaFunction } from 'aws-cdk-lib/aws-events-targets';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import {
  EventSourceMapping,
  FilterCriteria,
  FilterRule,
  StartingPosition,
} from 'aws-cdk-lib/aws-lambda';
import { SqsDlq } from 'aws-cdk-lib/aws-lambda-event-sources';
import type { Topic } from 'aws-cdk-lib/aws-sns';
import type { Queue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { BUTTON_EVENT_SOURCE, ORDER_EVENT_SOURCE } from './messaging.ts';
import { RestockFunction } from './restock-function.ts';

export interface OrderEventsProps {
  table: Table;
  bus: EventBus;
  notifications: Topic;
  deadLetters: Queue;
}

export class OrderEvents extends Construct {
  readonly outbox: RestockFunction;
  readonly notify: RestockFunction;
  readonly stats: RestockFunction;
  readonly webhooks: RestockFunction;

  constructor(scope: Construct, id: string, props: OrderEventsProps) {
    super(scope, id);
    const { table, bus, deadLetters } = props;
    const streamArn = table.tableStreamArn;
    if (!streamArn) throw new Error('the table needs a stream for order events');

    this.outbox = new RestockFunction(this, 'Outbox', {
      entry: 'outbox',
      description: 'Puts the order events of table changes on the order-event bus',
      environment: { EVENT_BUS_NAME: bus.eventBusName },
      timeout: Duration.seconds(30),
    });
    new EventSourceMapping(this, 'OutboxStream', {
      target: this.outbox.fn,
      eventSourceArn: streamArn,
      startingPosition: StartingPosition.TRIM_HORIZON,
      batchSize: 100,
      bisectBatchOnError: true,
      retryAttempts: 10,
      maxRecordAge: Duration.hours(24),
      onFailure: new SqsDlq(deadLetters),
      // Only order items and button-event items carry events; button and press-record changes
      // never invoke it.
      filters: [
        FilterCriteria.filter({
          dynamodb: { NewImage: { type: { S: FilterRule.or('order', 'button-event') } } },
        }),
      ],
    });
    // Stream reads by ARN (CDK's grantStreamRead adds ListStreams on `*`).
    this.outbox.fn.addToRolePolicy(
      new PolicyStatement({
        actions: ['dynamodb:DescribeStream', 'dynamodb:GetRecords', 'dynamodb:GetShardIterator'],
        resources: [streamArn],
      }),
    );
    this.outbox.fn.addToRolePolicy(
      new PolicyStatement({
        actions: ['dynamodb:ListStreams'],
        resources: [`${table.tableArn}/stream/*`],
      }),
    );
    Validations.of(this.outbox.role).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::<DataTableFDBAD0F2.Arn>/stream/*]',
      reason:
        'ListStreams on this table only; stream labels are generated, so no exact ARN exists.',
    });
    bus.grantPutEventsTo(this.outbox.fn);

    this.notify = new RestockFunction(this, 'Notify', {
      entry: 'notify',
      description: 'Writes household notifications for order events and announces them on SNS',
      environment: {
        TABLE_NAME: table.tableName,
        NOTIFY_TOPIC_ARN: props.notifications.topicArn,
      },
      deadLetterQueue: deadLetters,
    });
    // A notification is one PutItem on the household's partition; nothing else in the table.
    this.notify.fn.addToRolePolicy(
      new PolicyStatement({ actions: ['dynamodb:PutItem'], resources: [table.tableArn] }),
    );
    props.notifications.grantPublish(this.notify.fn);
    new Rule(this, 'NotifyRule', {
      description: 'Every order event to the notification Lambda',
      eventBus: bus,
      eventPattern: { source: [ORDER_EVENT_SOURCE] },
      targets: [
        new LambdaFunction(this.notify.fn, {
          retryAttempts: 10,
          maxEventAge: Duration.hours(24),
          deadLetterQueue: deadLetters,
        }),
      ],
    });

    this.stats = new RestockFunction(this, 'Stats', {
      entry: 'stats',
      description:
        'Counts order events into brand statistics, fleet health and household insight, exactly once each',
      environment: { TABLE_NAME: table.tableName },
      deadLetterQueue: deadLetters,
    });
    // A bucket is read (its marker for one order) and updated under a condition; health and
    // household activity records are read and put under a version condition, and a low-battery
    // event is put unless it exists; nothing else.
    this.stats.fn.addToRolePolicy(
      new PolicyStatement({
        actions: ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem'],
        resources: [table.tableArn],
      }),
    );
    new Rule(this, 'StatsRule', {
      description: 'Every order and button event to the statistics Lambda (stats, health, insight)',
      eventBus: bus,
      eventPattern: { source: [ORDER_EVENT_SOURCE, BUTTON_EVENT_SOURCE] },
      targets: [
        new LambdaFunction(this.stats.fn, {
          retryAttempts: 10,
          maxEventAge: Duration.hours(24),
          deadLetterQueue: deadLetters,
        }),
      ],
    });

    this.webhooks = new RestockFunction(this, 'Webhooks', {
      entry: 'webhooks',
      description: 'Queues signed webhook deliveries for order events and posts the due ones',
      environment: { TABLE_NAME: table.tableName },
      timeout: Duration.seconds(60),
      deadLetterQueue: deadLetters,
    });
    // Endpoints, secrets and deliveries: read, put under a condition, and the due queue (gsi3).
    this.webhooks.fn.addToRolePolicy(
      new PolicyStatement({
        actions: [
          'dynamodb:GetItem',
          'dynamodb:BatchGetItem',
          'dynamodb:PutItem',
          'dynamodb:Query',
        ],
        resources: [table.tableArn, `${table.tableArn}/index/gsi3`],
      }),
    );
    new Rule(this, 'WebhooksRule', {
      description: 'Every order and button event to the webhook queue',
      eventBus: bus,
      eventPattern: { source: [ORDER_EVENT_SOURCE, BUTTON_EVENT_SOURCE] },
      targets: [
        new LambdaFunction(this.webhooks.fn, {
          retryAttempts: 10,
          maxEventAge: Duration.hours(24),
          deadLetterQueue: deadLetters,
        }),
      ],
    });
    new Rule(this, 'WebhooksSchedule', {
      description: 'Posts the due webhook deliveries every minute',
      schedule: Schedule.rate(Duration.minutes(1)),
      // A missed run is covered by the next one: deliveries wait in the table, not in the event.
      targets: [
        new LambdaFunction(this.webhooks.fn, {
          retryAttempts: 0,
          maxEventAge: Duration.minutes(1),
        }),
      ],
    });
  }
}
