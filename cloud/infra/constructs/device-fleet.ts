/**
 * The AWS IoT side of the buttons: thing type, the per-thing device policy, and the topic rule
 * that hands every press to the press Lambda, with a dead-letter queue for failed deliveries.
 */

import { LambdaFunctionAction, SqsQueueAction } from '@aws-cdk/aws-iot-actions-alpha';
import * as iot from '@aws-cdk/aws-iot-alpha';
import { Aws, Duration, Validations } from 'aws-cdk-lib';
import { PolicyDocument, PolicyStatement, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { CfnLogging, CfnPolicy, CfnThingType } from 'aws-cdk-lib/aws-iot';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { PRESS_RULE_NAME } from '#shared/index';
import { PRESS_RULE_SQL } from '../../core/press/press-event.ts';
import { devicePolicyDocument } from '../iot-policy.ts';

export const IOT_ARN_PREFIX = `arn:${Aws.PARTITION}:iot:${Aws.REGION}:${Aws.ACCOUNT_ID}`;

/**
 * A dead-letter queue. The press one is created first: the press Lambda needs it before the
 * rule needs the Lambda.
 */
export class DeadLetters extends Construct {
  readonly queue: Queue;

  /** `of`: what lands here, e.g. "the press rule and Lambda". */
  constructor(scope: Construct, id: string, of: string) {
    super(scope, id);
    this.queue = new Queue(this, 'Queue', {
      retentionPeriod: Duration.days(14),
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
    });
    Validations.of(this.queue).acknowledge({
      id: 'AwsSolutions-SQS3',
      reason: `This queue is itself the dead-letter queue of ${of}.`,
    });
  }
}

export interface DeviceFleetProps {
  pressFunction: IFunction;
  deadLetters: Queue;
  /**
   * AWS IoT Core's own logs (refused connections, rule failures) at ERROR level. The setting is
   * one per account and region: a second stack in the same account leaves it to the first.
   */
  logging: boolean;
}

export class DeviceFleet extends Construct {
  readonly thingType: CfnThingType;
  readonly policy: CfnPolicy;
  readonly rule: iot.TopicRule;

  constructor(scope: Construct, id: string, props: DeviceFleetProps) {
    super(scope, id);
    this.thingType = new CfnThingType(this, 'ThingType', {
      thingTypeProperties: {
        thingTypeDescription: 'Restock reorder button (Espruino on ESP32)',
        searchableAttributes: ['brand', 'serial'],
      },
    });
    this.policy = new CfnPolicy(this, 'DevicePolicy', {
      policyDocument: devicePolicyDocument(IOT_ARN_PREFIX),
    });
    this.rule = new iot.TopicRule(this, 'PressRule', {
      // Buttons address the rule by name (Basic Ingest), so the name is part of the contract.
      topicRuleName: PRESS_RULE_NAME,
      description: 'Every button press, raw payload base64-encoded, to the press Lambda',
      sql: iot.IotSql.fromStringAsVer20160323(PRESS_RULE_SQL),
      actions: [new LambdaFunctionAction(props.pressFunction)],
      errorAction: new SqsQueueAction(props.deadLetters, { useBase64: true }),
    });
    if (props.logging) this.enableLogging();
  }

  /** IoT Core writes to the AWSIotLogsV2 log group with a role that may do nothing else. */
  private enableLogging(): void {
    const logGroupArn = `arn:${Aws.PARTITION}:logs:${Aws.REGION}:${Aws.ACCOUNT_ID}:log-group:AWSIotLogsV2:*`;
    const role = new Role(this, 'LoggingRole', {
      assumedBy: new ServicePrincipal('iot.amazonaws.com', {
        conditions: { StringEquals: { 'aws:SourceAccount': Aws.ACCOUNT_ID } },
      }),
      description: 'AWS IoT Core logging for the Restock buttons',
      inlinePolicies: {
        logs: new PolicyDocument({
          statements: [
            new PolicyStatement({
              actions: [
                'logs:CreateLogGroup',
                'logs:CreateLogStream',
                'logs:PutLogEvents',
                'logs:PutRetentionPolicy',
              ],
              resources: [logGroupArn],
            }),
          ],
        }),
      },
    });
    Validations.of(role).acknowledge({
      id: `AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:logs:<AWS::Region>:<AWS::AccountId>:log-group:AWSIotLogsV2:*]`,
      reason: 'The one log group IoT Core writes to; its streams are named by IoT Core.',
    });
    new CfnLogging(this, 'Logging', {
      accountId: Aws.ACCOUNT_ID,
      defaultLogLevel: 'ERROR',
      roleArn: role.roleArn,
    });
  }
}
