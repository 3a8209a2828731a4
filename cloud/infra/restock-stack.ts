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
import { DeviceFleet, IOT_ARN_PREFIX, PressDeadLetters } from './constructs/device-fleet.ts';
import { type HostedUiSettings, RestockHttpApi, Users } from './constructs/http-api.ts';
import { Messaging } from './constructs/messaging.ts';
import { RestockFunction } from './constructs/restock-function.ts';

const READ = ['dynamodb:GetItem', 'dynamodb:BatchGetItem', 'dynamodb:Query'];
const WRITE = ['dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:ConditionCheckItem'];
/** DynamoDB actions per Lambda (conditional single-item writes; transactions need ConditionCheckItem). */
export const TABLE_ACCESS = {
  press: [...READ, ...WRITE],
  api: [...READ, ...WRITE, 'dynamodb:DeleteItem', 'dynamodb:BatchWriteItem'],
  sweep: [...READ, ...WRITE],
} as const;

export interface RestockStackProps extends StackProps {
  /**
   * The account's `iot:Data-ATS` endpoint host (`-c iotDataEndpoint=…`). Without it the press
   * Lambda's IoT data-plane client uses the SDK's regional `data-ats.iot.{region}` endpoint,
   * which needs no lookup (so no `iot:DescribeEndpoint`, which cannot be scoped to a resource).
   */
  iotDataEndpoint?: string;
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
    const deadLetters = new PressDeadLetters(this, 'PressDeadLetters');

    const common = {
      TABLE_NAME: data.table.tableName,
      EVENT_BUS_NAME: messaging.bus.eventBusName,
      NOTIFY_TOPIC_ARN: messaging.notifications.topicArn,
    };
    const press = new RestockFunction(this, 'Press', {
      entry: 'press',
      description: 'Verifies a press, places at most one order, publishes the signed ack',
      environment: {
        ...common,
        MASTER_KEY_SECRET_ARN: data.masterKey.secretArn,
        ...(props.iotDataEndpoint ? { IOT_DATA_ENDPOINT: props.iotDataEndpoint } : {}),
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
      },
      memorySize: 512,
    });
    const sweep = new RestockFunction(this, 'Sweep', {
      entry: 'sweep',
      description: 'Confirms orders whose cancel window closed and expires unconfirmed ones',
      environment: common,
      timeout: Duration.seconds(50),
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
    for (const fn of [press.fn, api.fn, sweep.fn]) {
      messaging.bus.grantPutEventsTo(fn);
      messaging.notifications.grantPublish(fn);
    }
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

    const fleet = new DeviceFleet(this, 'DeviceFleet', {
      pressFunction: press.fn,
      deadLetters: deadLetters.queue,
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
      functions: { Press: press.fn, Api: api.fn, Sweep: sweep.fn },
      deadLetters: deadLetters.queue,
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
    out('EventBusName', messaging.bus.eventBusName, 'EventBridge bus with order events');
    out('NotifyTopicArn', messaging.notifications.topicArn, 'SNS topic for households');
    out('AlarmTopicArn', messaging.operations.topicArn, 'SNS topic for operator alarms');
    out('DeadLetterQueueUrl', deadLetters.queue.queueUrl, 'Presses that failed delivery');
    out('Region', Aws.REGION, 'Deployment region');
  }
}
