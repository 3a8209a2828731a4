/**
 * Firmware updates and settings in the template: the image bucket, the role IoT streams read it
 * with, the updates Lambda behind its three IoT rules (and its dead-letter queue), job execution
 * events turned on, and what the API and updates Lambdas may do — each grant scoped to the
 * rollouts' jobs and groups, the image streams and the bucket.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { streamName } from '../../../cloud/core/ota/pending.ts';
import { imageKey } from '../../../cloud/lambdas/aws/iot-update-jobs.ts';
import { JOB_EXECUTION_RULE_SQL } from '../../../cloud/lambdas/aws/job-execution-event.ts';
import {
  MANIFEST_RULE_SQL,
  SHADOW_REPORTED_RULE_SQL,
} from '../../../cloud/lambdas/aws/update-topics.ts';
import {
  asArray,
  type Cfn,
  flatten,
  IOT_ARN,
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

const idOf = (type: string, prefix: string) =>
  single(
    ofType(resources, type).filter(([id]) => id.startsWith(prefix)),
    `${type} ${prefix}`,
  )[0];
const bucketId = () => idOf('AWS::S3::Bucket', 'FirmwareUpdatesImages');
const updatesFnId = () => idOf('AWS::Lambda::Function', 'FirmwareUpdatesFunction');
const roleOf = (fnId: string): string => resources[fnId]?.Properties.Role['Fn::GetAtt'][0];
const streamRoleId = () => idOf('AWS::IAM::Role', 'FirmwareUpdatesStreamRole');
const dlqId = () => idOf('AWS::SQS::Queue', 'FirmwareUpdatesDeadLetters');

/** A role's statements as `action → resources` (flattened), with the log-group write left out. */
function grants(roleId: string): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const s of statementsOfRole(resources, roleId)) {
    const resourcesOf = asArray(s.Resource).map((r) => flatten(r));
    for (const action of asArray<string>(s.Action)) {
      if (action.startsWith('logs:') || action.startsWith('dynamodb:')) continue;
      out[action] = [...(out[action] ?? []), ...resourcesOf].sort();
    }
  }
  return out;
}

describe('the image bucket', () => {
  it('is private, encrypted, SSL-only and has a generated name', () => {
    const bucket = resources[bucketId()]?.Properties;
    expect(bucket.BucketName).toBeUndefined();
    expect(bucket.PublicAccessBlockConfiguration).toEqual({
      BlockPublicAcls: true,
      BlockPublicPolicy: true,
      IgnorePublicAcls: true,
      RestrictPublicBuckets: true,
    });
    expect(bucket.BucketEncryption.ServerSideEncryptionConfiguration).toEqual([
      { ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } },
    ]);
    const [, policy] = single(ofType(resources, 'AWS::S3::BucketPolicy'), 'bucket policy');
    expect(policy.Properties.Bucket).toEqual({ Ref: bucketId() });
    expect(policy.Properties.PolicyDocument.Statement).toEqual([
      expect.objectContaining({
        Effect: 'Deny',
        Action: 's3:*',
        Condition: { Bool: { 'aws:SecureTransport': 'false' } },
      }),
    ]);
  });

  it('is read by IoT streams through a role that reads images and nothing else', () => {
    const role = resources[streamRoleId()]?.Properties;
    expect(role.AssumeRolePolicyDocument.Statement).toEqual([
      {
        Effect: 'Allow',
        Action: 'sts:AssumeRole',
        Principal: { Service: 'iot.amazonaws.com' },
        Condition: { StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } } },
      },
    ]);
    expect(grants(streamRoleId())).toEqual({
      's3:GetObject': [`\${${bucketId()}.Arn}/firmware/*`],
    });
    expect(imageKey('acme', 7)).toMatch(/^firmware\//);
  });
});

describe('the updates Lambda', () => {
  it('sits behind the manifest, job execution and shadow-report rules, failures to its queue', () => {
    const rules = ofType(resources, 'AWS::IoT::TopicRule')
      .filter(([id]) => id.startsWith('FirmwareUpdates'))
      .map(([, r]) => r.Properties.TopicRulePayload);
    expect(rules.map((r: Cfn) => r.Sql).sort()).toEqual(
      [MANIFEST_RULE_SQL, JOB_EXECUTION_RULE_SQL, SHADOW_REPORTED_RULE_SQL].sort(),
    );
    for (const rule of rules) {
      expect(rule.AwsIotSqlVersion).toBe('2016-03-23');
      expect(rule.Actions).toEqual([
        { Lambda: { FunctionArn: { 'Fn::GetAtt': [updatesFnId(), 'Arn'] } } },
      ]);
      expect(rule.ErrorAction.Sqs.QueueUrl).toEqual({ Ref: dlqId() });
    }
    expect(MANIFEST_RULE_SQL).toContain("FROM 'restock/v1/+/manifest/get'");
    expect(JOB_EXECUTION_RULE_SQL).toBe(
      "SELECT * FROM '$aws/events/jobExecution/+/+' WHERE startswith(jobId, 'ro_')",
    );
    expect(SHADOW_REPORTED_RULE_SQL).toContain(
      "FROM '$aws/things/+/shadow/update/accepted' WHERE isUndefined(state.reported) = false",
    );
  });

  it('sends invocations that keep failing to its dead-letter queue, which alarms', () => {
    const fn = resources[updatesFnId()]?.Properties;
    expect(fn.DeadLetterConfig.TargetArn).toEqual({ 'Fn::GetAtt': [dlqId(), 'Arn'] });
    const alarm = ofType(resources, 'AWS::CloudWatch::Alarm').find(
      ([, a]) => a.Properties.Dimensions[0].Value['Fn::GetAtt']?.[0] === dlqId(),
    );
    expect(alarm?.[1].Properties.MetricName).toBe('ApproximateNumberOfMessagesVisible');
  });

  it('sweeps open rollouts every five minutes, without retries', () => {
    const [, rule] = single(
      ofType(resources, 'AWS::Events::Rule').filter(([id]) =>
        id.startsWith('FirmwareUpdatesSweep'),
      ),
      'rollout sweep',
    );
    expect(rule.Properties.ScheduleExpression).toBe('rate(5 minutes)');
    const [target] = rule.Properties.Targets;
    expect(target.Arn).toEqual({ 'Fn::GetAtt': [updatesFnId(), 'Arn'] });
    expect(JSON.parse(target.Input)).toEqual({ kind: 'sweep' });
    expect(target.RetryPolicy).toMatchObject({ MaximumRetryAttempts: 0 });
  });

  it('publishes only manifests, and runs rollouts with the same scoped grants as the API', () => {
    const own = grants(roleOf(updatesFnId()));
    expect(own['iot:Publish']).toEqual([`${IOT_ARN}:topic/restock/v1/*/manifest`]);
    expect(own['iot:UpdateThingShadow']).toBeUndefined();
    const { 'iot:Publish': _p, ...rolloutGrants } = own;
    const { 'iot:UpdateThingShadow': _s, ...apiRolloutGrants } = grants(roleOf(fnId('Api')));
    expect(rolloutGrants).toMatchObject(
      Object.fromEntries(
        Object.entries(apiRolloutGrants).filter(([action]) => !action.startsWith('sns:')),
      ),
    );
  });
});

const fnId = (prefix: string) => idOf('AWS::Lambda::Function', prefix);

describe('the API Lambda', () => {
  it('may make rollout jobs, groups and streams by their names only, and pass the stream role only', () => {
    const job = `${IOT_ARN}:job/ro_*`;
    const group = `${IOT_ARN}:thinggroup/ro_*`;
    const thing = `${IOT_ARN}:thing/*`;
    const api = grants(roleOf(fnId('Api')));
    expect(api).toMatchObject({
      's3:PutObject': [`\${${bucketId()}.Arn}/firmware/*`],
      'iot:CreateStream': [`${IOT_ARN}:stream/fw-*`],
      'iam:PassRole': [`\${${streamRoleId()}.Arn}`],
      'iot:CreateThingGroup': [group],
      'iot:CreateJob': [group, job].sort(),
      'iot:AddThingToThingGroup': [group, thing].sort(),
      'iot:CancelJobExecution': [job, thing].sort(),
      'iot:UpdateThingShadow': [thing],
    });
    expect(streamName('acme', 7)).toMatch(/^fw-/);
  });

  it('is told the bucket, the stream role and the account’s data endpoint', () => {
    const env = resources[fnId('Api')]?.Properties.Environment.Variables;
    expect(env.FIRMWARE_BUCKET).toEqual({ Ref: bucketId() });
    expect(env.FIRMWARE_STREAM_ROLE_ARN).toEqual({ 'Fn::GetAtt': [streamRoleId(), 'Arn'] });
    expect(flatten(env.IOT_DATA_ENDPOINT)).toMatch(/^https:\/\/\$\{IotDataEndpointLookup/);
  });
});

describe('job execution events', () => {
  it('are turned on at deploy time (account-wide), unless -c iotJobEvents=off', () => {
    const [, resource] = single(
      ofType(resources, 'Custom::AWS').filter(([id]) => id.startsWith('FirmwareUpdates')),
      'event configuration',
    );
    expect(JSON.parse(flatten(resource.Properties.Create))).toMatchObject({
      service: 'Iot',
      action: 'updateEventConfigurations',
      parameters: { eventConfigurations: { JOB_EXECUTION: { Enabled: true } } },
    });
    const off = synth({ iotJobEvents: 'off', 'aws:cdk:bundling-stacks': [] });
    expect(
      ofType(off.resources, 'Custom::AWS').filter(([id]) => id.startsWith('FirmwareUpdates')),
    ).toEqual([]);
  });
});
