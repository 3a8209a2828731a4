import { Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import type { IConstruct } from 'constructs';
import { beforeAll, describe, expect, it } from 'vitest';
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
let app: IConstruct;
beforeAll(() => {
  ({ resources, app } = synth());
});

const roleIdOf = (fnId: string) => resources[fnId]?.Properties.Role['Fn::GetAtt'][0];
const fnId = (prefix: string) =>
  ofType(resources, 'AWS::Lambda::Function').find(([id]) => id.startsWith(prefix))?.[0] ?? '';

describe('IAM', () => {
  it('no role uses an AWS managed policy', () => {
    for (const [id, role] of ofType(resources, 'AWS::IAM::Role')) {
      expect(role.Properties.ManagedPolicyArns, id).toBeUndefined();
    }
    expect(ofType(resources, 'AWS::IAM::ManagedPolicy')).toEqual([]);
  });

  it('grants no `*` resource except for the three actions IAM cannot scope', () => {
    // iot:DescribeEndpoint (deploy-time lookup), iot:UpdateEventConfigurations (deploy-time,
    // job execution events on) and sns:Unsubscribe (the API removing a household's
    // subscription) support no resource-level permission.
    const unscoped = ['iot:DescribeEndpoint', 'iot:UpdateEventConfigurations', 'sns:Unsubscribe'];
    for (const [id, policy] of ofType(resources, 'AWS::IAM::Policy')) {
      for (const s of policy.Properties.PolicyDocument.Statement) {
        if (unscoped.includes(asArray(s.Action).join())) continue;
        expect(asArray(s.Resource), `${id}: ${JSON.stringify(s.Action)}`).not.toContain('*');
      }
    }
  });

  it('lets only the press, API and updates Lambdas read the master key', () => {
    const readers = ofType(resources, 'AWS::IAM::Policy')
      .filter(([, p]) =>
        p.Properties.PolicyDocument.Statement.some((s: Cfn) =>
          asArray(s.Action).includes('secretsmanager:GetSecretValue'),
        ),
      )
      .flatMap(([, p]) => p.Properties.Roles.map((r: Cfn) => r.Ref));
    expect(readers.sort()).toEqual(
      [
        roleIdOf(fnId('Api')),
        roleIdOf(fnId('Press')),
        roleIdOf(fnId('FirmwareUpdatesFunction')),
      ].sort(),
    );
  });

  it('lets no function scan the table, and only the API and the sweep (its handled order timers) delete from it', () => {
    const tableActions = (name: string) =>
      statementsOfRole(resources, roleIdOf(fnId(name)))
        .flatMap((s: Cfn) => asArray<string>(s.Action))
        .filter((a: string) => a.startsWith('dynamodb:'))
        .sort();
    const readWrite = [
      'dynamodb:BatchGetItem',
      'dynamodb:ConditionCheckItem',
      'dynamodb:GetItem',
      'dynamodb:PutItem',
      'dynamodb:Query',
      'dynamodb:UpdateItem',
    ];
    expect(tableActions('Press')).toEqual(readWrite);
    expect(tableActions('Sweep')).toEqual([...readWrite, 'dynamodb:DeleteItem'].sort());
    expect(tableActions('Api')).toEqual(
      [...readWrite, 'dynamodb:BatchWriteItem', 'dynamodb:DeleteItem'].sort(),
    );
  });

  it('names the table and each of its indexes, without an index wildcard', () => {
    for (const name of ['Press', 'Api', 'Sweep']) {
      const [statement] = statementsOfRole(resources, roleIdOf(fnId(name))).filter((s: Cfn) =>
        asArray<string>(s.Action).includes('dynamodb:Query'),
      );
      expect(asArray(statement.Resource).map(flatten)).toEqual([
        expect.stringMatching(/^\$\{DataTable\w+\.Arn\}$/),
        ...['gsi1', 'gsi2', 'gsi3', 'gsi4'].map((g) =>
          expect.stringMatching(new RegExp(`\\.Arn\\}/index/${g}$`)),
        ),
      ]);
    }
  });

  it('lets the press Lambda publish only to ack topics', () => {
    const publish = statementsOfRole(resources, roleIdOf(fnId('Press'))).filter((s: Cfn) =>
      asArray(s.Action).includes('iot:Publish'),
    );
    expect(publish).toHaveLength(1);
    expect(flatten(publish[0].Resource)).toBe(`${IOT_ARN}:topic/restock/v1/*/ack`);
  });

  it('gives each Lambda role write access to its own log group, nothing wider', () => {
    for (const name of ['Press', 'Api', 'Sweep']) {
      const logs = statementsOfRole(resources, roleIdOf(fnId(name))).filter((s: Cfn) =>
        asArray<string>(s.Action).some((a) => a.startsWith('logs:')),
      );
      expect(logs).toHaveLength(1);
      expect(logs[0].Resource).toEqual({
        'Fn::GetAtt': [expect.stringMatching(new RegExp(`^${name}Logs`)), 'Arn'],
      });
    }
  });
});

describe('alarms', () => {
  const alarms = () => ofType(resources, 'AWS::CloudWatch::Alarm').map(([, a]) => a.Properties);

  it('fire on any error or throttle of every Lambda', () => {
    for (const name of ['Press', 'Api', 'Sweep']) {
      for (const metric of ['Errors', 'Throttles']) {
        const matching = alarms().filter(
          (a: Cfn) =>
            a.Namespace === 'AWS/Lambda' &&
            a.MetricName === metric &&
            a.Dimensions[0].Value.Ref === fnId(name),
        );
        expect(matching, `${name} ${metric}`).toHaveLength(1);
        expect(matching[0]).toMatchObject({
          Threshold: 1,
          ComparisonOperator: 'GreaterThanOrEqualToThreshold',
          Statistic: 'Sum',
          TreatMissingData: 'notBreaching',
        });
      }
    }
  });

  it('fire when anything reaches a dead-letter queue (presses, order events, updates)', () => {
    const queueIds = ofType(resources, 'AWS::SQS::Queue').map(([id]) => id);
    expect(queueIds).toHaveLength(3);
    const dlq = alarms().filter(
      (a: Cfn) =>
        a.Namespace === 'AWS/SQS' && a.MetricName === 'ApproximateNumberOfMessagesVisible',
    );
    expect(dlq).toHaveLength(3);
    for (const alarm of dlq) expect(alarm).toMatchObject({ Threshold: 1, Statistic: 'Maximum' });
    expect(dlq.map((a: Cfn) => a.Dimensions[0].Value['Fn::GetAtt'][0]).sort()).toEqual(
      queueIds.sort(),
    );
  });

  it('notify the operator topic', () => {
    const [topicId] =
      ofType(resources, 'AWS::SNS::Topic').find(([id]) => id.includes('OperatorAlarms')) ?? [];
    for (const a of alarms()) expect(a.AlarmActions).toEqual([{ Ref: topicId }]);
  });
});

describe('cdk-nag AwsSolutions', () => {
  it('reports no unacknowledged findings', () => {
    const report = new AwsSolutionsChecks().validateScope(app);
    const findings = report.violations.map(
      (v) => `${v.ruleName} @ ${v.violatingResources.map((r) => r.constructPath).join(', ')}`,
    );
    expect(findings).toEqual([]);
  });

  it('gives every acknowledgement a one-line reason', () => {
    const acknowledged: [string, unknown][] = [];
    for (const c of app.node.findAll()) {
      for (const entry of c.node.metadata) {
        if (entry.type !== Validations.ACKNOWLEDGED_RULES_METADATA_KEY) continue;
        acknowledged.push(...Object.entries(entry.data as Record<string, unknown>));
      }
    }
    expect(acknowledged.length).toBeGreaterThan(0);
    for (const [id, reason] of acknowledged) {
      expect(typeof reason, id).toBe('string');
      expect(reason as string, id).toMatch(/^[^\n]{15,120}$/);
    }
  });
});

describe('the IoT data endpoint for acks', () => {
  it('is looked up at deploy time (the account’s iot:Data-ATS) and passed to the press Lambda', () => {
    const [lookupId, lookup] = single(
      ofType(resources, 'Custom::AWS').filter(([id]) => id.startsWith('IotDataEndpoint')),
      'endpoint lookup',
    );
    const create = JSON.parse(flatten(lookup.Properties.Create));
    expect(create).toMatchObject({
      service: 'Iot',
      action: 'describeEndpoint',
      parameters: { endpointType: 'iot:Data-ATS' },
    });
    const press = ofType(resources, 'AWS::Lambda::Function').find(([id]) => id.startsWith('Press'));
    expect(flatten(press?.[1].Properties.Environment.Variables.IOT_DATA_ENDPOINT)).toBe(
      `https://\${${lookupId}.endpointAddress}`,
    );
  });
});

describe('with the IoT data endpoint given at deploy time', () => {
  it('passes it to the press Lambda', () => {
    const given = synth({
      iotDataEndpoint: 'abc123-ats.iot.eu-central-1.amazonaws.com',
      'aws:cdk:bundling-stacks': [],
    });
    const press = ofType(given.resources, 'AWS::Lambda::Function').find(([id]) =>
      id.startsWith('Press'),
    );
    expect(press?.[1].Properties.Environment.Variables.IOT_DATA_ENDPOINT).toBe(
      'https://abc123-ats.iot.eu-central-1.amazonaws.com',
    );
    expect(
      ofType(given.resources, 'Custom::AWS').filter(([id]) => id.startsWith('IotDataEndpoint')),
    ).toEqual([]);
    expect(new AwsSolutionsChecks().validateScope(given.app).violations).toEqual([]);
  });
});
