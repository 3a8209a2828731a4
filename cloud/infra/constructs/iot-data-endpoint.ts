/**
 * The account's `iot:Data-ATS` endpoint, looked up at deploy time (AWS advises publishing to the
 * account's own endpoint; the SDK's regional default is not it). A context value
 * (`-c iotDataEndpoint=…`) skips the lookup.
 */
import { RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import { Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import {
  AwsCustomResource,
  AwsCustomResourcePolicy,
  PhysicalResourceId,
} from 'aws-cdk-lib/custom-resources';
import { Construct } from 'constructs';

export class IotDataEndpoint extends Construct {
  /** `https://{prefix}-ats.iot.{region}.amazonaws.com` */
  readonly url: string;

  constructor(scope: Construct, id: string, given?: string) {
    super(scope, id);
    if (given) {
      this.url = `https://${given}`;
      return;
    }
    const call = {
      service: 'Iot',
      action: 'describeEndpoint',
      parameters: { endpointType: 'iot:Data-ATS' },
      physicalResourceId: PhysicalResourceId.of('iot-data-ats-endpoint'),
    };
    // The provider Lambda gets the same kind of role as ours: its log group, nothing managed.
    const logGroup = new LogGroup(this, 'Logs', {
      retention: RetentionDays.ONE_WEEK,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    const role = new Role(this, 'Role', {
      assumedBy: new ServicePrincipal('lambda.amazonaws.com'),
      description: 'Restock deploy-time lookup of the IoT data endpoint',
    });
    logGroup.grantWrite(role);
    const lookup = new AwsCustomResource(this, 'Lookup', {
      onCreate: call,
      onUpdate: call,
      role,
      logGroup,
      // DescribeEndpoint has no resource-level permissions: `*` is the only resource it accepts.
      policy: AwsCustomResourcePolicy.fromSdkCalls({
        resources: AwsCustomResourcePolicy.ANY_RESOURCE,
      }),
      installLatestAwsSdk: false,
    });
    Validations.of(lookup).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason: 'iot:DescribeEndpoint supports no resource-level permission; it is read-only.',
    });
    // The provider is one singleton function per stack, named after this UUID.
    const providerId = `AWS${AwsCustomResource.PROVIDER_FUNCTION_UUID.replace(/-/g, '')}`;
    const provider = Stack.of(this).node.tryFindChild(providerId);
    if (provider) {
      Validations.of(provider).acknowledge({
        id: 'AwsSolutions-L1',
        reason: 'CDK’s own custom-resource provider; it runs only during deployments.',
      });
    }
    this.url = `https://${lookup.getResponseField('endpointAddress')}`;
  }
}
