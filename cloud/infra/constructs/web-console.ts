/**
 * The web console in AWS: the same static files `npm start` serves (built by cloud/web/build.ts
 * while the app synthesises), in a private S3 bucket behind CloudFront with origin access
 * control. CloudFront also routes /v1/* to the HTTP API, so the page calls the API on its own
 * origin (no CORS). `config.json` tells the page to sign in through the Cognito hosted UI.
 */
import { Aws, Duration, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import {
  AllowedMethods,
  CachePolicy,
  Distribution,
  OriginRequestPolicy,
  ResponseHeadersPolicy,
  ViewerProtocolPolicy,
} from 'aws-cdk-lib/aws-cloudfront';
import { HttpOrigin, S3BucketOrigin } from 'aws-cdk-lib/aws-cloudfront-origins';
import { Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import {
  BlockPublicAccess,
  Bucket,
  BucketEncryption,
  type CfnBucket,
  ObjectOwnership,
} from 'aws-cdk-lib/aws-s3';
import { BucketDeployment, Source } from 'aws-cdk-lib/aws-s3-deployment';
import { Construct } from 'constructs';
import { buildWeb, WEB_DIST_DIR } from '../../web/build.ts';

export interface WebConsoleProps {
  /** The HTTP API's id: CloudFront forwards /v1/* to `{apiId}.execute-api.{region}`. */
  apiId: string;
  /** The Cognito app client the page signs in with (its ID tokens are what the API accepts). */
  userPoolClientId: string;
  /** Hosted-UI domain, e.g. `restock-acme.auth.eu-west-1.amazoncognito.com` (README). */
  cognitoDomain?: string;
  /** Where the built files are (default: cloud/web/dist, built now). */
  distDir?: string;
}

export class WebConsole extends Construct {
  readonly bucket: Bucket;
  readonly distribution: Distribution;

  constructor(scope: Construct, id: string, props: WebConsoleProps) {
    super(scope, id);
    const stack = Stack.of(this);
    const distDir = props.distDir ?? buildWeb(WEB_DIST_DIR);

    const logs = new Bucket(this, 'AccessLogs', {
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      encryption: BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      // CloudFront standard logs are delivered with ACLs.
      objectOwnership: ObjectOwnership.OBJECT_WRITER,
      lifecycleRules: [{ expiration: Duration.days(90) }],
      removalPolicy: RemovalPolicy.RETAIN,
    });
    Validations.of(logs).acknowledge({
      id: 'AwsSolutions-S1',
      reason: 'This is the access-log bucket itself; logging it into itself would loop.',
    });

    this.bucket = new Bucket(this, 'Files', {
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      encryption: BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      serverAccessLogsBucket: logs,
      serverAccessLogsPrefix: 's3/',
      // Only build output lives here: every deploy rewrites it.
      removalPolicy: RemovalPolicy.RETAIN,
    });

    const api = new HttpOrigin(`${props.apiId}.execute-api.${Aws.REGION}.${Aws.URL_SUFFIX}`);
    this.distribution = new Distribution(this, 'Distribution', {
      comment: 'Restock web console',
      defaultRootObject: 'index.html',
      defaultBehavior: {
        origin: S3BucketOrigin.withOriginAccessControl(this.bucket),
        viewerProtocolPolicy: ViewerProtocolPolicy.REDIRECT_TO_HTTPS,
        responseHeadersPolicy: ResponseHeadersPolicy.SECURITY_HEADERS,
        compress: true,
      },
      additionalBehaviors: {
        '/v1/*': {
          origin: api,
          viewerProtocolPolicy: ViewerProtocolPolicy.HTTPS_ONLY,
          allowedMethods: AllowedMethods.ALLOW_ALL,
          cachePolicy: CachePolicy.CACHING_DISABLED,
          originRequestPolicy: OriginRequestPolicy.ALL_VIEWER_EXCEPT_HOST_HEADER,
        },
      },
      enableLogging: true,
      logBucket: logs,
      logFilePrefix: 'cloudfront/',
    });
    Validations.of(this.distribution).acknowledge(
      {
        id: 'AwsSolutions-CFR1',
        reason: 'Households and brands may be anywhere; no geographic restriction applies.',
      },
      {
        id: 'AwsSolutions-CFR2',
        reason: 'Static files and an API with its own throttling and JWT checks; WAF is optional.',
      },
      {
        id: 'AwsSolutions-CFR4',
        reason: 'The default *.cloudfront.net certificate; a custom domain would set TLSv1.2_2021.',
      },
    );

    // The deployment's own Lambda gets an explicit role with no managed policy.
    const role = new Role(this, 'DeployRole', {
      assumedBy: new ServicePrincipal('lambda.amazonaws.com'),
      description: 'Copies the Restock web console into its bucket',
    });
    const deployLogs = new LogGroup(this, 'DeployLogs', {
      retention: RetentionDays.ONE_MONTH,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    deployLogs.grantWrite(role);
    const config = {
      signIn: 'cognito',
      domain: props.cognitoDomain ?? '',
      clientId: props.userPoolClientId,
    };
    new BucketDeployment(this, 'Deploy', {
      sources: [Source.asset(distDir), Source.jsonData('config.json', config)],
      destinationBucket: this.bucket,
      distribution: this.distribution,
      distributionPaths: ['/*'],
      role,
      logGroup: deployLogs,
      memoryLimit: 256,
    });
    Validations.of(role).acknowledge(
      {
        id: 'AwsSolutions-IAM5[Action::s3:GetObject*]',
        reason: 'CDK BucketDeployment reads its own staged asset objects only.',
      },
      {
        id: 'AwsSolutions-IAM5[Action::s3:GetBucket*]',
        reason: 'CDK BucketDeployment reads its own staging and target buckets only.',
      },
      {
        id: 'AwsSolutions-IAM5[Action::s3:List*]',
        reason: 'CDK BucketDeployment lists its own staging and target buckets only.',
      },
      {
        id: 'AwsSolutions-IAM5[Action::s3:DeleteObject*]',
        reason: 'CDK BucketDeployment prunes old files from the console bucket only.',
      },
      {
        id: 'AwsSolutions-IAM5[Action::s3:Abort*]',
        reason: 'CDK BucketDeployment aborts its own uploads into the console bucket only.',
      },
      {
        id: 'AwsSolutions-IAM5[Resource::*]',
        reason: 'CloudFront invalidations cannot be scoped to one distribution by the CDK grant.',
      },
      {
        id: 'AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:s3:::cdk-hnb659fds-assets-<AWS::AccountId>-<AWS::Region>/*]',
        reason: 'The CDK bootstrap asset bucket, where the built console files are staged.',
      },
      {
        id: `AwsSolutions-IAM5[Resource::<${stack.getLogicalId(this.bucket.node.defaultChild as CfnBucket)}.Arn>/*]`,
        reason: 'Every object in the console bucket: a deploy replaces all the files.',
      },
    );
    // BucketDeployment's singleton handler sits at stack level; its runtime is CDK's choice.
    for (const child of stack.node.children) {
      if (child.node.id.startsWith('Custom::CDKBucketDeployment')) {
        Validations.of(child).acknowledge({
          id: 'AwsSolutions-L1',
          reason: 'CDK BucketDeployment pins its own Python runtime; it only copies files.',
        });
      }
    }
  }
}
