/**
 * The RestockWeb stack: the web console's files in a private bucket behind CloudFront (origin
 * access control), /v1/* forwarded to the HTTP API uncached, deployed by a BucketDeployment
 * whose role carries no managed policy; cdk-nag clean with every acknowledgement explained.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks } from 'cdk-nag';
import { describe, expect, it } from 'vitest';
import { buildApp } from '../../../cloud/infra/build-app.ts';
import { WEB_DIST_DIR } from '../../../cloud/web/build.ts';
import { type Cfn, ofType, type Resources, single } from './synth.ts';

const CACHING_DISABLED = '4135ea2d-6df8-44a3-9df3-4b5a84be39ad';

function synthWeb(context: Record<string, unknown> = {}) {
  const { app, stack, web } = buildApp(
    new App({ context: { 'aws:cdk:bundling-stacks': [], ...context } }),
  );
  const json = Template.fromStack(web).toJSON() as {
    Resources: Resources;
    Outputs: Record<string, Cfn>;
  };
  return { app, stack, web, resources: json.Resources, outputs: json.Outputs };
}

describe('RestockWeb', () => {
  const { app, web, resources, outputs } = synthWeb();

  it('builds the same static files npm start serves, while synthesising', () => {
    for (const file of ['index.html', 'app.js', 'app.css']) {
      expect(existsSync(join(WEB_DIST_DIR, file)), file).toBe(true);
    }
  });

  it('keeps the files bucket private, encrypted, TLS-only and logged', () => {
    const buckets = ofType(resources, 'AWS::S3::Bucket');
    expect(buckets).toHaveLength(2);
    for (const [, bucket] of buckets) {
      expect(bucket.Properties.PublicAccessBlockConfiguration).toEqual({
        BlockPublicAcls: true,
        BlockPublicPolicy: true,
        IgnorePublicAcls: true,
        RestrictPublicBuckets: true,
      });
      expect(bucket.Properties.BucketEncryption).toBeDefined();
    }
    const [filesId, files] = single(
      buckets.filter(([id]) => id.includes('Files')),
      'files bucket',
    );
    expect(files.Properties.LoggingConfiguration.DestinationBucketName).toEqual({
      Ref: expect.stringMatching(/AccessLogs/),
    });
    const policy = single(
      ofType(resources, 'AWS::S3::BucketPolicy').filter(
        ([, p]) => p.Properties.Bucket.Ref === filesId,
      ),
      'files bucket policy',
    )[1];
    const statements = policy.Properties.PolicyDocument.Statement as Cfn[];
    expect(
      statements.some(
        (s) => s.Effect === 'Deny' && s.Condition?.Bool?.['aws:SecureTransport'] === 'false',
      ),
    ).toBe(true);
    const allows = statements.filter((s) => s.Effect === 'Allow');
    // Only CloudFront, only for this distribution: no public read.
    expect(allows.length).toBeGreaterThan(0);
    for (const s of allows) {
      expect(s.Principal).toEqual({ Service: 'cloudfront.amazonaws.com' });
      expect(s.Condition.StringEquals['AWS:SourceArn']).toBeDefined();
    }
  });

  it('serves index.html over HTTPS and forwards /v1/* to the HTTP API, uncached', () => {
    const [, dist] = single(ofType(resources, 'AWS::CloudFront::Distribution'), 'distribution');
    const config = dist.Properties.DistributionConfig;
    expect(config.DefaultRootObject).toBe('index.html');
    expect(config.DefaultCacheBehavior.ViewerProtocolPolicy).toBe('redirect-to-https');
    expect(config.Logging).toBeDefined();
    const s3Origin = config.Origins.find((o: Cfn) => o.S3OriginConfig);
    expect(s3Origin.OriginAccessControlId).toBeDefined();
    const v1: Cfn = single(
      config.CacheBehaviors.filter((b: Cfn) => b.PathPattern === '/v1/*'),
      '/v1/* behaviour',
    );
    expect(v1.CachePolicyId).toBe(CACHING_DISABLED);
    expect(v1.AllowedMethods).toEqual(expect.arrayContaining(['POST', 'PATCH', 'DELETE']));
    expect(v1.ViewerProtocolPolicy).toBe('https-only');
    const apiOrigin = config.Origins.find((o: Cfn) => o.Id === v1.TargetOriginId);
    const domain = JSON.stringify(apiOrigin.DomainName);
    expect(domain).toContain('.execute-api.');
    expect(domain).toMatch(/Fn::ImportValue.*Restock:ExportsOutputRefHttpApi/);
    expect(outputs.WebUrl).toBeDefined();
  });

  it('deploys the files and config.json with a role that holds no managed policy', () => {
    const [, deploy] = single(ofType(resources, 'Custom::CDKBucketDeployment'), 'deployment');
    expect(deploy.Properties.SourceObjectKeys).toHaveLength(2);
    expect(deploy.Properties.DistributionPaths).toEqual(['/*']);
    for (const [id, role] of ofType(resources, 'AWS::IAM::Role')) {
      expect(role.Properties.ManagedPolicyArns, id).toBeUndefined();
    }
  });

  it('passes cdk-nag with an explained acknowledgement for each exception', () => {
    const report = new AwsSolutionsChecks().validateScope(web);
    expect(report.violations.map((v) => v.ruleName)).toEqual([]);
    expect(new AwsSolutionsChecks().validateScope(app).violations).toEqual([]);
  });
});

describe('Cognito hosted UI for the console', () => {
  it('is off unless both the domain prefix and the console URL are given', () => {
    const { stack } = synthWeb({ cognitoDomainPrefix: 'restock-test' });
    const main = Template.fromStack(stack).toJSON() as { Resources: Resources };
    expect(ofType(main.Resources, 'AWS::Cognito::UserPoolDomain')).toEqual([]);
  });

  it('adds the domain and a code-flow client callback to the console URL', () => {
    const { stack } = synthWeb({
      cognitoDomainPrefix: 'restock-test',
      webConsoleUrl: 'https://d111111abcdef8.cloudfront.net/',
    });
    const main = Template.fromStack(stack).toJSON() as { Resources: Resources };
    const [, domain] = single(ofType(main.Resources, 'AWS::Cognito::UserPoolDomain'), 'domain');
    expect(domain.Properties.Domain).toBe('restock-test');
    const [, client] = single(ofType(main.Resources, 'AWS::Cognito::UserPoolClient'), 'client');
    expect(client.Properties).toMatchObject({
      AllowedOAuthFlows: ['code'],
      // `openid` only: any other scope narrows the ID token's claims and drops custom:tenant.
      AllowedOAuthScopes: ['openid'],
      CallbackURLs: ['https://d111111abcdef8.cloudfront.net/'],
      SupportedIdentityProviders: ['COGNITO'],
    });
  });
});
