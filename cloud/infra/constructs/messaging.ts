/**
 * Where things go out: the order-event bus (brands subscribe with their own rules), the
 * household notification topic, and the operator topic the alarms publish to.
 */
import { Aws, Duration, Validations } from 'aws-cdk-lib';
import { EventBus } from 'aws-cdk-lib/aws-events';
import { PolicyStatement, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Alias } from 'aws-cdk-lib/aws-kms';
import { Topic } from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';

export const ORDER_EVENT_SOURCE = 'restock.orders';
/** Button lifecycle events (claimed, released, low battery, silent) on the same bus. */
export const BUTTON_EVENT_SOURCE = 'restock.buttons';

export class Messaging extends Construct {
  readonly bus: EventBus;
  readonly notifications: Topic;
  readonly operations: Topic;

  constructor(scope: Construct, id: string) {
    super(scope, id);
    this.bus = new EventBus(this, 'OrderEvents', { description: 'Restock order lifecycle events' });
    // Replayable history for brands that join late or lose events.
    this.bus.archive('Archive', {
      eventPattern: { source: [ORDER_EVENT_SOURCE, BUTTON_EVENT_SOURCE] },
      retention: Duration.days(90),
    });
    // The AWS-managed SNS key: encrypted at rest without a key policy to maintain.
    const snsKey = Alias.fromAliasName(this, 'SnsKey', 'alias/aws/sns');
    this.notifications = new Topic(this, 'HouseholdNotifications', {
      displayName: 'Restock',
      enforceSSL: true,
      masterKey: snsKey,
    });
    this.operations = new Topic(this, 'OperatorAlarms', {
      displayName: 'Restock alarms',
      enforceSSL: true,
    });
    // enforceSSL's topic policy replaces the default one, which let CloudWatch publish: without
    // this statement no alarm would ever reach the operators.
    this.operations.addToResourcePolicy(
      new PolicyStatement({
        sid: 'AllowCloudWatchAlarms',
        principals: [new ServicePrincipal('cloudwatch.amazonaws.com')],
        actions: ['sns:Publish'],
        resources: [this.operations.topicArn],
        conditions: {
          StringEquals: { 'aws:SourceAccount': Aws.ACCOUNT_ID },
          ArnLike: {
            'aws:SourceArn': `arn:${Aws.PARTITION}:cloudwatch:${Aws.REGION}:${Aws.ACCOUNT_ID}:alarm:*`,
          },
        },
      }),
    );
    Validations.of(this.operations).acknowledge({
      id: 'AwsSolutions-SNS2',
      reason: 'CloudWatch cannot publish to the AWS-managed key; alarms carry no personal data.',
    });
  }
}
