/** Template checks for what would silently break on a real account. */
import { beforeAll, describe, expect, it } from 'vitest';
import { type Cfn, flatten, ofType, type Resources, single, synth } from './synth.ts';

// biome-ignore lint/suspicious/noTemplateCurlyInString: CloudFormation pseudo-parameters, not JS.
const ACCOUNT = '${AWS::AccountId}';
// biome-ignore lint/suspicious/noTemplateCurlyInString: CloudFormation pseudo-parameters, not JS.
const ALARMS = 'arn:${AWS::Partition}:cloudwatch:${AWS::Region}:${AWS::AccountId}:alarm:*';

let resources: Resources;
beforeAll(() => {
  ({ resources } = synth());
});

describe('a deployment that works on a real account', () => {
  it('lets CloudWatch alarms of this account publish to the operator topic (SSL-only policy kept)', () => {
    const [topicId] = single(
      ofType(resources, 'AWS::SNS::Topic').filter(([id]) => id.includes('OperatorAlarms')),
      'operator topic',
    );
    const [, policy] = single(
      ofType(resources, 'AWS::SNS::TopicPolicy').filter(([, p]) =>
        p.Properties.Topics.some((t: Cfn) => t.Ref === topicId),
      ),
      'operator topic policy',
    );
    const statements = policy.Properties.PolicyDocument.Statement;
    const allow = statements.find((s: Cfn) => s.Effect === 'Allow');
    expect(allow).toMatchObject({
      Principal: { Service: 'cloudwatch.amazonaws.com' },
      Action: 'sns:Publish',
      Resource: { Ref: topicId },
    });
    expect(flatten(allow.Condition.StringEquals['aws:SourceAccount'])).toBe(ACCOUNT);
    expect(flatten(allow.Condition.ArnLike['aws:SourceArn'])).toBe(ALARMS);
    expect(statements.some((s: Cfn) => s.Effect === 'Deny')).toBe(true);
  });

  it('creates accounts through operators only (no self-registration without group or tenant)', () => {
    const [, pool] = single(ofType(resources, 'AWS::Cognito::UserPool'), 'user pool');
    expect(pool.Properties.AdminCreateUserConfig.AllowAdminCreateUserOnly).toBe(true);
  });

  it('lets the app client read custom:tenant, so ID tokens carry it', () => {
    const [, client] = single(ofType(resources, 'AWS::Cognito::UserPoolClient'), 'client');
    expect(client.Properties.ReadAttributes).toEqual(expect.arrayContaining(['custom:tenant']));
  });

  it('does not retry the sweep inside Lambda either (the next minute’s run covers a failure)', () => {
    const [sweepId] = single(
      ofType(resources, 'AWS::Lambda::Function').filter(([id]) => id.startsWith('Sweep')),
      'sweep function',
    );
    const [, config] = single(
      ofType(resources, 'AWS::Lambda::EventInvokeConfig').filter(
        ([, c]) => c.Properties.FunctionName.Ref === sweepId,
      ),
      'sweep invoke config',
    );
    expect(config.Properties.MaximumRetryAttempts).toBe(0);
  });

  it('turns on AWS IoT Core logging at ERROR with a role limited to its log group', () => {
    const [, logging] = single(ofType(resources, 'AWS::IoT::Logging'), 'IoT logging');
    expect(logging.Properties.DefaultLogLevel).toBe('ERROR');
    const roleId = logging.Properties.RoleArn['Fn::GetAtt'][0];
    const role = resources[roleId]?.Properties;
    expect(role.AssumeRolePolicyDocument.Statement[0].Principal.Service).toBe('iot.amazonaws.com');
    const statements = role.Policies.flatMap((p: Cfn) => p.PolicyDocument.Statement);
    expect(statements.map((st: Cfn) => flatten(st.Resource))).toEqual([
      // biome-ignore lint/suspicious/noTemplateCurlyInString: CloudFormation pseudo-parameters, not JS.
      'arn:${AWS::Partition}:logs:${AWS::Region}:${AWS::AccountId}:log-group:AWSIotLogsV2:*',
    ]);
  });

  it('leaves IoT logging (one per account) to the first stack when told -c iotLogging=off', () => {
    const second = synth({ iotLogging: 'off', 'aws:cdk:bundling-stacks': [] });
    expect(ofType(second.resources, 'AWS::IoT::Logging')).toEqual([]);
  });

  it('alarms on the HTTP API’s 5xx answers, which never show as Lambda errors', () => {
    const [apiId] = single(ofType(resources, 'AWS::ApiGatewayV2::Api'), 'HTTP API');
    const alarms = ofType(resources, 'AWS::CloudWatch::Alarm').map(([, a]) => a.Properties);
    const api5xx = alarms.find((a: Cfn) => a.Namespace === 'AWS/ApiGateway');
    expect(api5xx).toMatchObject({ MetricName: '5xx', Statistic: 'Sum', Threshold: 1 });
    expect(api5xx.Dimensions).toEqual([{ Name: 'ApiId', Value: { Ref: apiId } }]);
  });
});
