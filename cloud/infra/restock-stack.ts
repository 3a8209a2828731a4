/**
 * The whole Restock deployment in one environment-agnostic stack (no lookups: it synthesises
 * offline, without credentials). Wiring only — each part lives in constructs/.
 */
import { Aws, CfnOutput, Duration, Stack, type StackProps, Validations } from 'aws-cdk-lib';
import { Rule, Schedule } from 'aws-cdk-lib/aws-events';
import { LambdaFunction } from 'aws-cdk-lib/aws-events-targets';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import type { Construct } from 'constructs';
import { ackTopic } from '#shared/index';
import { TABLE_INDEXES } from '../store/dynamo/table-keys.ts';
import { Alarms } from './constructs/alarms.ts';
import { Data } from './constructs/data.ts';
import { DeadLetters, DeviceFleet, IOT_ARN_PREFIX } from './constructs/device-fleet.ts';
import { FirmwareUpdates } from './constructs/firmware-updates.ts';
import { type HostedUiSettings, RestockHttpApi, Users } from './constructs/http-api.ts';
import { IotDataEndpoint } from './constructs/iot-data-endpoint.ts';
import { Messaging } from './constructs/messaging.ts';
import { OrderEvents } from './constructs/order-events.ts';
import { RestockFunction } from './constructs/restock-function.ts';

const READ = ['dynamodb:GetItem', 'dynamodb:BatchGetItem', 'dynamodb:Query'];
const WRITE = ['dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:ConditionCheckItem'];
/** DynamoDB actions per Lambda (conditional single-item writes; transactions need ConditionCheckItem). */
export const TABLE_ACCESS = {
  press: [...READ, ...WRITE],
  api: [...READ, ...WRITE, 'dynamodb:DeleteItem', 'dynamodb:BatchWriteItem'],
  /** The order timers it has handled are deleted. */
  sweep: [...READ, ...WRITE, 'dynamodb:DeleteItem'],
  /** Rollout members are removed when a button turns out busy with another update. */
  updates: [...READ, ...WRITE, 'dynamodb:DeleteItem'],
} as const;

export interface RestockStackProps extends StackProps {
  /**
   * The account's `iot:Data-ATS` endpoint host (`-c iotDataEndpoint=…`); without it the stack
   * looks it up at deploy time.
   */
  iotDataEndpoint?: string;
  /** AWS IoT Core logging (account-wide); `-c iotLogging=off` for a second stack in one account. */
  iotLogging?: boolean;
  /**
   * AWS IoT job execution events (account-wide, needed by rollouts); `-c iotJobEvents=off` when
   * another stack or the account's operator turned them on.
   */
  iotJobEvents?: boolean;
  /** Cognito hosted UI for the web console (`-c cognitoDomainPrefix=… -c webConsoleUrl=…`). */
  hostedUi?: HostedUiSettings;
}

export class RestockStack extends Stack {
  readonly users: Users;
  readonly http: RestockHttpApi;

  constructor(scope: Construct, id: string, props: RestockStackProps = {}) {
    super(scope, id, props);
    const data = new Data(this, 'Data');
    const messaging = new Messaging(this, 'Messaging');
    const users = new Users(this, 'Users', props.hostedUi);
    this.users = users;
    const deadLetters = new DeadLetters(this, 'PressDeadLetters', 'the press rule and Lambda');
    const eventDeadLetters = new DeadLetters(
      this,
      'EventDeadLetters',
      'the order-event stream and Lambda',
    );

    const common = { TABLE_NAME: data.table.tableName };
    const iotDataEndpoint = new IotDataEndpoint(this, 'IotDataEndpoint', props.iotDataEndpoint).url;
    const press = new RestockFunction(this, 'Press', {
      entry: 'press',
      description: 'Verifies a press, places at most one order, publishes the signed ack',
      environment: {
        ...common,
        MASTER_KEY_SECRET_ARN: data.masterKey.secretArn,
        IOT_DATA_ENDPOINT: iotDataEndpoint,
      },
      deadLetterQueue: deadLetters.queue,
    });
    const api = new RestockFunction(this, 'Api', {
      entry: 'api',
      description: 'The Restock HTTP API (Hono)',
      environment: {
        ...common,
        MASTER_KEY_SECRET_ARN: data.masterKey.secretArn,
        JWT_ISSUER: users.issuer,
        JWT_AUDIENCE: users.client.userPoolClientId,
        NOTIFY_TOPIC_ARN: messaging.notifications.topicArn,
      },
      memorySize: 512,
    });
    const sweep = new RestockFunction(this, 'Sweep', {
      entry: 'sweep',
      description: 'Confirms orders whose cancel window closed and expires unconfirmed ones',
      environment: common,
      timeout: Duration.seconds(50),
      // A failed run is covered by the next one a minute later; Lambda's own asynchronous
      // retries would only pile runs up (the rule's retryAttempts covers EventBridge alone).
      retryAttempts: 0,
    });

    // Grants: each function gets what its entry point uses. No function may Scan (no request
    // path does) or read streams; only the API deletes (account erasure, unclaiming).
    // The table and its three indexes by name: no `index/*` wildcard.
    const tableResources = [
      data.table.tableArn,
      ...TABLE_INDEXES.map((name) => `${data.table.tableArn}/index/${name}`),
    ];
    for (const [fn, actions] of [
      [press.fn, TABLE_ACCESS.press],
      [api.fn, TABLE_ACCESS.api],
      [sweep.fn, TABLE_ACCESS.sweep],
    ] as const) {
      fn.addToRolePolicy(new PolicyStatement({ actions: [...actions], resources: tableResources }));
    }
    // Households manage their own e-mail/SMS subscriptions to the household topic.
    api.fn.addToRolePolicy(
      new PolicyStatement({
        actions: ['sns:Subscribe'],
        resources: [messaging.notifications.topicArn],
      }),
    );
    api.fn.addToRolePolicy(new PolicyStatement({ actions: ['sns:Unsubscribe'], resources: ['*'] }));
    Validations.of(api.role).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason:
        'sns:Unsubscribe has no resource-level permission; the API only removes ARNs it stored.',
    });
    // Order events leave through the table's stream: these three never publish anything.
    const events = new OrderEvents(this, 'OrderEvents', {
      table: data.table,
      bus: messaging.bus,
      notifications: messaging.notifications,
      deadLetters: eventDeadLetters.queue,
    });
    // Only the two functions that derive device keys may read the master key.
    data.masterKey.grantRead(press.fn);
    data.masterKey.grantRead(api.fn);
    press.fn.addToRolePolicy(
      new PolicyStatement({
        actions: ['iot:Publish'],
        resources: [`${IOT_ARN_PREFIX}:topic/${ackTopic('*')}`],
      }),
    );
    Validations.of(press.role).acknowledge({
      id: `AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:iot:<AWS::Region>:<AWS::AccountId>:topic/${ackTopic('*')}]`,
      reason: 'Acks go to whichever button pressed: one ack topic per thing, no other topics.',
    });

    const updates = new FirmwareUpdates(this, 'FirmwareUpdates', {
      tableName: data.table.tableName,
      tableResources,
      tableActions: TABLE_ACCESS.updates,
      masterKey: data.masterKey,
      iotDataEndpoint,
      api,
      jobEvents: props.iotJobEvents ?? true,
    });

    const fleet = new DeviceFleet(this, 'DeviceFleet', {
      pressFunction: press.fn,
      deadLetters: deadLetters.queue,
      logging: props.iotLogging ?? true,
    });
    const http = new RestockHttpApi(this, 'Http', { handler: api.fn, users });
    this.http = http;

    new Rule(this, 'SweepSchedule', {
      description: 'Runs the cancel-window sweep every minute',
      schedule: Schedule.rate(Duration.minutes(1)),
      // A missed run is covered by the next one a minute later: no retries, no pile-up.
      targets: [
        new LambdaFunction(sweep.fn, { retryAttempts: 0, maxEventAge: Duration.minutes(1) }),
      ],
    });

    new Alarms(this, 'Alarms', {
      functions: {
        Press: press.fn,
        Api: api.fn,
        Sweep: sweep.fn,
        Outbox: events.outbox.fn,
        Webhooks: events.webhooks.fn,
        Updates: updates.fn.fn,
      },
      deadLetters: {
        DeadLetters: [deadLetters.queue, 'Presses are waiting in the dead-letter queue'],
        EventDeadLetters: [eventDeadLetters.queue, 'Order events failed delivery (see the queue)'],
        UpdateDeadLetters: [
          updates.deadLetters.queue,
          'Update requests or reports failed delivery (see the queue)',
        ],
      },
      others: {
        Api5xx: [
          http.api.metricServerError({ period: Duration.minutes(5), statistic: 'Sum' }),
          'The HTTP API answered with a server error (5xx)',
        ],
      },
      topic: messaging.operations,
    });

    const out = (name: string, value: string, description: string) =>
      new CfnOutput(this, name, { value, description });
    out('ApiUrl', http.stage.url, 'HTTP API base URL');
    out('UserPoolId', users.pool.userPoolId, 'Cognito user pool id');
    out('UserPoolClientId', users.client.userPoolClientId, 'Cognito app client id');
    out('IotPolicyName', fleet.policy.ref, 'IoT policy attached to every button certificate');
    out('ThingTypeName', fleet.thingType.ref, 'IoT thing type of the buttons');
    out('TableName', data.table.tableName, 'DynamoDB table');
    out('MasterKeySecretArn', data.masterKey.secretArn, 'Secrets Manager master signing keys');
    out(
      'EventBusName',
      messaging.bus.eventBusName,
      'EventBridge bus with the events brands act on',
    );
    out('NotifyTopicArn', messaging.notifications.topicArn, 'SNS topic for households');
    out('AlarmTopicArn', messaging.operations.topicArn, 'SNS topic for operator alarms');
    out('DeadLetterQueueUrl', deadLetters.queue.queueUrl, 'Presses that failed delivery');
    out(
      'EventDeadLetterQueueUrl',
      eventDeadLetters.queue.queueUrl,
      'Order-event batches the stream and the order-event Lambda could not deliver',
    );
    out(
      'FirmwareBucketName',
      updates.bucket.bucketName,
      'S3 bucket the IoT streams read images from',
    );
    out(
      'UpdateDeadLetterQueueUrl',
      updates.deadLetters.queue.queueUrl,
      'Manifest requests, job execution events and shadow reports that failed delivery',
    );
    out('Region', Aws.REGION, 'Deployment region');
  }
}
