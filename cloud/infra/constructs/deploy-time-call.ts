/**
 * One AWS SDK call made while the stack deploys (AwsCustomResource). Every such call in a stack
 * runs in CDK's one provider Lambda; the first call gives it the same kind of role as ours (its
 * own log group, nothing managed), later calls add their policy to that role.
 */
import { RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import { Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import {
  AwsCustomResource,
  AwsCustomResourcePolicy,
  type AwsSdkCall,
} from 'aws-cdk-lib/custom-resources';
import type { Construct } from 'constructs';

/** The provider is one singleton function per stack, named after this UUID. */
const PROVIDER_ID = `AWS${AwsCustomResource.PROVIDER_FUNCTION_UUID.replace(/-/g, '')}`;

export function deployTimeCall(
  scope: Construct,
  id: string,
  call: AwsSdkCall,
  /** Why the call's action needs `*` (it has no resource-level permission). */
  unscopedBecause: string,
): AwsCustomResource {
  const stack = Stack.of(scope);
  const first = !stack.node.tryFindChild(PROVIDER_ID);
  let provider: { role: Role; logGroup: LogGroup } | undefined;
  if (first) {
    const logGroup = new LogGroup(scope, 'Logs', {
      retention: RetentionDays.ONE_WEEK,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    const role = new Role(scope, 'Role', {
      assumedBy: new ServicePrincipal('lambda.amazonaws.com'),
      description: 'Restock deploy-time AWS calls (IoT endpoint lookup, IoT event settings)',
    });
    logGroup.grantWrite(role);
    provider = { role, logGroup };
  }
  const resource = new AwsCustomResource(scope, id, {
    onCreate: call,
    onUpdate: call,
    ...provider,
    policy: AwsCustomResourcePolicy.fromSdkCalls({
      resources: AwsCustomResourcePolicy.ANY_RESOURCE,
    }),
    installLatestAwsSdk: false,
  });
  Validations.of(resource).acknowledge({
    id: 'AwsSolutions-IAM5[Resource::*]',
    reason: unscopedBecause,
  });
  if (first) {
    const singleton = stack.node.tryFindChild(PROVIDER_ID);
    if (singleton) {
      Validations.of(singleton).acknowledge({
        id: 'AwsSolutions-L1',
        reason: 'CDK’s own custom-resource provider; it runs only during deployments.',
      });
    }
  }
  return resource;
}
