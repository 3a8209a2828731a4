/**
 * The AWS IoT side of the buttons: thing type, the per-thing device policy, and the topic rule
 * that hands every press to the press Lambda, with a dead-letter queue for failed deliveries.
 */

import { LambdaFunctionAction, SqsQueueAction } from '@aws-cdk/aws-iot-actions-alpha';
import * as iot from '@aws-cdk/aws-iot-alpha';
import { Aws, Duration, Validations } from 'aws-cdk-lib';
import { CfnPolicy, CfnThingType } from 'aws-cdk-lib/aws-iot';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { PRESS_RULE_SQL } from '../../core/press/press-event.ts';
import { devicePolicyDocument } from '../iot-policy.ts';
import { IOT_POLICY_NAME, THING_TYPE_NAME } from '../names.ts';

export const IOT_ARN_PREFIX = `arn:${Aws.PARTITION}:iot:${Aws.REGION}:${Aws.ACCOUNT_ID}`;

/** Created first: the press Lambda needs the dead-letter queue before the rule needs the Lambda. */
export class PressDeadLetters extends Construct {
  readonly queue: Queue;

  constructor(scope: Construct, id: string) {
    super(scope, id);
    this.queue = new Queue(this, 'Queue', {
      retentionPeriod: Duration.days(14),
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
    });
    Validations.of(this.queue).acknowledge({
      id: 'AwsSolutions-SQS3',
      reason: 'This queue is itself the dead-letter queue of the press rule and Lambda.',
    });
  }
}

export interface DeviceFleetProps {
  pressFunction: IFunction;
  deadLetters: Queue;
}

export class DeviceFleet extends Construct {
  readonly thingType: CfnThingType;
  readonly policy: CfnPolicy;
  readonly rule: iot.TopicRule;

  constructor(scope: Construct, id: string, props: DeviceFleetProps) {
    super(scope, id);
    this.thingType = new CfnThingType(this, 'ThingType', {
      thingTypeName: THING_TYPE_NAME,
      thingTypeProperties: {
        thingTypeDescription: 'Restock reorder button (Espruino on ESP32)',
        searchableAttributes: ['brand', 'serial'],
      },
    });
    this.policy = new CfnPolicy(this, 'DevicePolicy', {
      policyName: IOT_POLICY_NAME,
      policyDocument: devicePolicyDocument(IOT_ARN_PREFIX),
    });
    this.rule = new iot.TopicRule(this, 'PressRule', {
      description: 'Every button press, raw payload base64-encoded, to the press Lambda',
      sql: iot.IotSql.fromStringAsVer20160323(PRESS_RULE_SQL),
      actions: [new LambdaFunctionAction(props.pressFunction)],
      errorAction: new SqsQueueAction(props.deadLetters, { useBase64: true }),
    });
  }
}
