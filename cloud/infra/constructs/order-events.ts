/**
 * Order events in AWS: the table's stream → the order-event Lambda, one invocation per batch,
 * which runs the same consumers as the local stack's outbox drain (household notifications in
 * the table and SNS for the households that subscribed, brand statistics, the webhook queue)
 * and puts the events a brand must hear of on the order-event bus; the webhooks Lambda posts
 * the due deliveries every minute. The stream mapping retries a failed batch by halves and
 * ends in the dead-letter queue; events carry stable ids, so a retry that repeats one is
 * harmless.
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
import { STREAM_BATCH } from '../stream-batch.ts';
import { RestockFunction } from './restock-function.ts';

export interface OrderEventsProps {
  table: Table;
  bus: EventBus;
  notifications: Topic;
  deadLetters: Queue;
}

export class OrderEvents extends Construct {
  readonly outbox: RestockFunction;
  readonly webhooks: RestockFunction;

  constructor(scope: Construct, id: string, props: OrderEventsProps) {
    super(scope, id);
    const { table, bus, deadLetters } = props;
    const streamArn = table.tableStreamArn;
    if (!streamArn) throw new Error('the table needs a stream for order events');

    this.outbox = new RestockFunction(this, 'Outbox', {
      entry: 'outbox',
      description:
        'Writes what claims owe, hands order events to notifications, statistics, webhooks and the bus',
      environment: {
        TABLE_NAME: table.tableName,
        NOTIFY_TOPIC_ARN: props.notifications.topicArn,
        EVENT_BUS_NAME: bus.eventBusName,
      },
      timeout: Duration.seconds(60),
    });
    new EventSourceMapping(this, 'OutboxStream', {
      target: this.outbox.fn,
      eventSourceArn: streamArn,
      startingPosition: StartingPosition.TRIM_HORIZON,
      batchSize: STREAM_BATCH.size,
      maxBatchingWindow: Duration.seconds(STREAM_BATCH.windowSeconds),
      bisectBatchOnError: true,
      retryAttempts: 10,
      maxRecordAge: Duration.hours(24),
      onFailure: new SqsDlq(deadLetters),
      // Order items carry events, button items the claims the commit relay writes for;
      // press-record and other changes never invoke it.
      filters: [
        FilterCriteria.filter({
          dynamodb: { NewImage: { type: { S: FilterRule.or('order', 'button-event', 'button') } } },
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
    // Notifications (batched puts, the household's subscriptions queried), statistics buckets and
    // orders' counts (batch read, conditional update), webhook endpoints (queried), deliveries and order timers (put), and
    // the commit relay's order items and press records (conditional put; a burst's flag, a LONG
    // press's cancel finished after a crash, reading the button and its SKU): the table only.
    this.outbox.fn.addToRolePolicy(
      new PolicyStatement({
        actions: [
          'dynamodb:BatchGetItem',
          'dynamodb:BatchWriteItem',
          'dynamodb:GetItem',
          'dynamodb:PutItem',
          'dynamodb:Query',
          'dynamodb:UpdateItem',
        ],
        resources: [table.tableArn],
      }),
    );
    props.notifications.grantPublish(this.outbox.fn);
    bus.grantPutEventsTo(this.outbox.fn);

    this.webhooks = new RestockFunction(this, 'Webhooks', {
      entry: 'webhooks',
      description: 'Posts the due signed webhook deliveries',
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
