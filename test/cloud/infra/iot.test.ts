import { beforeAll, describe, expect, it } from 'vitest';
import {
  type Cfn,
  flatten,
  IOT_ARN,
  ofType,
  type Resources,
  single,
  statementsOfRole,
  synth,
} from './synth.ts';

const ARN = IOT_ARN;
// biome-ignore lint/suspicious/noTemplateCurlyInString: an IoT policy variable, kept verbatim.
const THING = '${iot:Connection.Thing.ThingName}';

let resources: Resources;
let updateStatements: Cfn[];
beforeAll(() => {
  ({ resources } = synth());
  const [, policy] = single(ofType(resources, 'AWS::IoT::Policy'), 'IoT policy');
  updateStatements = policy.Properties.PolicyDocument.Statement.slice(4).map((s: Cfn) => ({
    ...s,
    Resource: (s.Resource as unknown[]).map((r) => flatten(r)),
  }));
});

describe('IoT device policy', () => {
  it('lets a device connect only as its own thing and use only its own press and ack topics', () => {
    const [, policy] = single(ofType(resources, 'AWS::IoT::Policy'), 'IoT policy');
    // Generated name: a fixed one would block a second stack or a redeploy after destroy.
    expect(policy.Properties.PolicyName).toBeUndefined();
    const statements = policy.Properties.PolicyDocument.Statement.slice(0, 4).map((s: Cfn) => ({
      ...s,
      Resource: Array.isArray(s.Resource) ? s.Resource.map(flatten) : flatten(s.Resource),
    }));
    expect(statements).toEqual([
      {
        Effect: 'Allow',
        Action: 'iot:Connect',
        Resource: `${ARN}:client/${THING}`,
        Condition: { Bool: { 'iot:Connection.Thing.IsAttached': 'true' } },
      },
      {
        Effect: 'Allow',
        Action: 'iot:Publish',
        // Basic Ingest to the press rule, and the plain topic for buttons flashed before it.
        Resource: [
          `${ARN}:topic/$aws/rules/restock_v1_press/restock/v1/${THING}/press`,
          `${ARN}:topic/restock/v1/${THING}/press`,
        ],
      },
      {
        Effect: 'Allow',
        Action: 'iot:Subscribe',
        Resource: `${ARN}:topicfilter/restock/v1/${THING}/ack`,
      },
      { Effect: 'Allow', Action: 'iot:Receive', Resource: `${ARN}:topic/restock/v1/${THING}/ack` },
    ]);
    expect(policy.Properties.PolicyDocument.Statement).toHaveLength(4 + updateStatements.length);
  });

  it('lets a device fetch its updates and settings only under its own thing name', () => {
    const own = `$aws/things/${THING}`;
    const replies = [
      `restock/v1/${THING}/manifest`,
      `${own}/streams/*/data/json`,
      `${own}/streams/*/rejected/json`,
      `${own}/jobs/*/update/accepted`,
      `${own}/jobs/*/update/rejected`,
      `${own}/shadow/get/accepted`,
      `${own}/shadow/get/rejected`,
      `${own}/shadow/update/accepted`,
      `${own}/shadow/update/rejected`,
    ];
    expect(updateStatements).toEqual([
      {
        Effect: 'Allow',
        Action: 'iot:Publish',
        Resource: [
          `restock/v1/${THING}/manifest/get`,
          `${own}/streams/*/get/json`,
          `${own}/jobs/*/update`,
          `${own}/shadow/get`,
          `${own}/shadow/update`,
        ].map((t) => `${ARN}:topic/${t}`),
      },
      {
        Effect: 'Allow',
        Action: 'iot:Subscribe',
        Resource: replies.map((t) => `${ARN}:topicfilter/${t}`),
      },
      { Effect: 'Allow', Action: 'iot:Receive', Resource: replies.map((t) => `${ARN}:topic/${t}`) },
    ]);
    // Every resource names the connecting thing: no button can reach another's.
    for (const s of updateStatements) {
      for (const r of s.Resource as string[]) expect(r).toContain(THING);
    }
  });

  it('defines the button thing type', () => {
    const types = ofType(resources, 'AWS::IoT::ThingType');
    expect(types.map(([, t]) => t.Properties.ThingTypeName)).toEqual([undefined]);
  });
});

describe('press topic rule', () => {
  const pressRule = () =>
    single(
      ofType(resources, 'AWS::IoT::TopicRule').filter(([id]) => id.startsWith('DeviceFleet')),
      'press rule',
    )[1];
  const rule = () => pressRule().Properties.TopicRulePayload;

  it('is named as buttons address it through Basic Ingest', () => {
    expect(pressRule().Properties.RuleName).toBe('restock_v1_press');
  });

  it('selects the base64 payload, topic, client id and receive time of every press', () => {
    expect(rule().Sql).toBe(
      "SELECT encode(*, 'base64') AS payload, topic() AS topic, clientid() AS clientId, " +
        "timestamp() AS receivedAt FROM 'restock/v1/+/press'",
    );
    expect(rule().AwsIotSqlVersion).toBe('2016-03-23');
  });

  it('invokes the press Lambda and sends failures to the dead-letter queue', () => {
    const { Actions, ErrorAction } = rule();
    expect(Actions).toHaveLength(1);
    const fnId = Actions[0].Lambda.FunctionArn['Fn::GetAtt'][0];
    expect(resources[fnId]?.Properties.Handler).toBe('index.handler');
    expect(fnId).toMatch(/^Press/);

    const queueId = ErrorAction.Sqs.QueueUrl.Ref;
    expect(resources[queueId]?.Type).toBe('AWS::SQS::Queue');
    expect(ErrorAction.Sqs.UseBase64).toBe(true);
    // The rule's role may send to that queue and nothing else.
    const roleId = ErrorAction.Sqs.RoleArn['Fn::GetAtt'][0];
    expect(statementsOfRole(resources, roleId)).toEqual([
      { Action: 'sqs:SendMessage', Effect: 'Allow', Resource: { 'Fn::GetAtt': [queueId, 'Arn'] } },
    ]);
    // The press Lambda's own async failures land in the same queue.
    expect(resources[fnId]?.Properties.DeadLetterConfig.TargetArn).toEqual({
      'Fn::GetAtt': [queueId, 'Arn'],
    });
  });
});
