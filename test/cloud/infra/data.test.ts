import { beforeAll, describe, expect, it } from 'vitest';
import { type Cfn, ofType, type Resources, single, synth } from './synth.ts';

let resources: Resources;
let outputs: Record<string, unknown>;
beforeAll(() => {
  ({ resources, outputs } = synth());
});

describe('DynamoDB table', () => {
  const table = () => single(ofType(resources, 'AWS::DynamoDB::Table'), 'table')[1];

  it('uses the single-table key design with three sparse GSIs', () => {
    const p = table().Properties;
    expect(p.KeySchema).toEqual([
      { AttributeName: 'pk', KeyType: 'HASH' },
      { AttributeName: 'sk', KeyType: 'RANGE' },
    ]);
    expect(
      p.GlobalSecondaryIndexes.map((g: Cfn) => ({ name: g.IndexName, keys: g.KeySchema })),
    ).toEqual(
      ['gsi1', 'gsi2', 'gsi3', 'gsi4'].map((name) => ({
        name,
        keys: [
          { AttributeName: `${name}pk`, KeyType: 'HASH' },
          { AttributeName: `${name}sk`, KeyType: 'RANGE' },
        ],
      })),
    );
    for (const g of p.GlobalSecondaryIndexes)
      expect(g.Projection).toEqual({ ProjectionType: 'KEYS_ONLY' });
    expect(p.AttributeDefinitions.every((a: Cfn) => a.AttributeType === 'S')).toBe(true);
  });

  it('is on-demand, recoverable, encrypted, expiring press records and protected from deletion', () => {
    const t = table();
    expect(t.Properties.BillingMode).toBe('PAY_PER_REQUEST');
    expect(t.Properties.PointInTimeRecoverySpecification).toEqual({
      PointInTimeRecoveryEnabled: true,
    });
    expect(t.Properties.TimeToLiveSpecification).toEqual({
      AttributeName: 'expiresAt',
      Enabled: true,
    });
    expect(t.Properties.DeletionProtectionEnabled).toBe(true);
    expect(t.Properties.SSESpecification).toEqual({ SSEEnabled: true });
    expect(t.DeletionPolicy).toBe('Retain');
  });
});

describe('master signing key', () => {
  it('is a generated 64-hex-character key under version "1", retained', () => {
    const [, secret] = single(ofType(resources, 'AWS::SecretsManager::Secret'), 'secret');
    // Generated name: the retained secret of a destroyed stack must not block the next deploy.
    expect(secret.Properties.Name).toBeUndefined();
    const g = secret.Properties.GenerateSecretString;
    expect(g).toMatchObject({
      SecretStringTemplate: '{}',
      GenerateStringKey: '1',
      PasswordLength: 64,
      ExcludeUppercase: true,
      ExcludePunctuation: true,
      IncludeSpace: false,
    });
    // What is left after the exclusions is exactly the lower-case hex alphabet.
    const alphabet = [...'0123456789abcdefghijklmnopqrstuvwxyz'].filter(
      (c) => !g.ExcludeCharacters.includes(c),
    );
    expect(alphabet.join('')).toBe('0123456789abcdef');
    expect(secret.DeletionPolicy).toBe('Retain');
  });
});

describe('Lambdas', () => {
  const functions = () =>
    Object.fromEntries(
      ofType(resources, 'AWS::Lambda::Function')
        // CDK's deploy-time custom-resource provider is not one of ours.
        .filter(([id]) => !id.startsWith('AWS679f53fa'))
        .map(([id, f]) => [
          id
            .replace(/^OrderEvents/, '')
            // FirmwareUpdates/Updates: CDK drops the repeated word from the logical id.
            .replace(/^FirmwareUpdates(?=Function)/, 'Updates')
            .replace(/Function.*$/, ''),
          f,
        ]),
    );

  it('are ARM64 on Node.js 24, bundled as ESM, with Powertools settings', () => {
    const fns = functions();
    expect(Object.keys(fns).sort()).toEqual([
      'Api',
      'Outbox',
      'Press',
      'Sweep',
      'Updates',
      'Webhooks',
    ]);
    for (const [name, fn] of Object.entries(fns)) {
      const p = fn.Properties;
      expect(p.Architectures).toEqual(['arm64']);
      expect(p.Runtime).toBe('nodejs24.x');
      expect(p.Handler).toBe('index.handler');
      expect(p.Environment.Variables).toMatchObject({
        POWERTOOLS_SERVICE_NAME: `restock-${name.toLowerCase()}`,
      });
      expect(p.Environment.Variables.TABLE_NAME).toEqual({
        Ref: expect.stringMatching(/^DataTable/),
      });
      expect(p.LoggingConfig.LogFormat).toBe('JSON');
    }
  });

  it('hand the master key only to press, API and updates, and the JWT settings only to the API', () => {
    const fns = functions();
    const env = (name: string) => fns[name]?.Properties.Environment.Variables;
    expect(env('Press').MASTER_KEY_SECRET_ARN).toEqual({
      Ref: expect.stringMatching(/^DataMasterKey/),
    });
    expect(env('Api').MASTER_KEY_SECRET_ARN).toBeDefined();
    // Manifests are signed with the device's key.
    expect(env('Updates').MASTER_KEY_SECRET_ARN).toBeDefined();
    expect(env('Sweep').MASTER_KEY_SECRET_ARN).toBeUndefined();
    expect(env('Api').JWT_ISSUER).toBeDefined();
    expect(env('Api').JWT_AUDIENCE).toEqual({ Ref: expect.stringMatching(/^UsersPoolApiClient/) });
  });

  it('runs the sweep every minute, without retries', () => {
    const [, rule] = single(
      ofType(resources, 'AWS::Events::Rule').filter(([id]) => id.startsWith('SweepSchedule')),
      'sweep rule',
    );
    expect(rule.Properties.ScheduleExpression).toBe('rate(1 minute)');
    const [target] = rule.Properties.Targets;
    expect(target.Arn['Fn::GetAtt'][0]).toMatch(/^SweepFunction/);
    expect(target.RetryPolicy).toMatchObject({ MaximumRetryAttempts: 0 });
  });
});

describe('outputs', () => {
  it('name everything a deployer and the provisioning CLI need', () => {
    for (const name of [
      'ApiUrl',
      'UserPoolId',
      'UserPoolClientId',
      'IotPolicyName',
      'ThingTypeName',
      'TableName',
      'MasterKeySecretArn',
      'EventBusName',
      'NotifyTopicArn',
      'DeadLetterQueueUrl',
    ]) {
      expect(outputs, name).toHaveProperty(name);
    }
  });
});
