/**
 * One Lambda entry point from cloud/lambdas, bundled locally with the project's esbuild (no
 * Docker), on ARM64 and a current Node.js runtime, with its own log group and a role that
 * holds nothing but write access to that log group — every other permission is a grant.
 */
import { fileURLToPath } from 'node:url';
import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import { Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Architecture, LoggingFormat, Runtime } from 'aws-cdk-lib/aws-lambda';
import { LogLevel, NodejsFunction, OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';

const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));

export interface RestockFunctionProps {
  /** File name under cloud/lambdas, without extension; it must export `handler`. */
  entry: 'press' | 'api' | 'sweep' | 'outbox' | 'webhooks' | 'updates';
  description: string;
  environment: Record<string, string>;
  timeout?: Duration;
  memorySize?: number;
  /** Where asynchronous invocations go after Lambda's retries are exhausted. */
  deadLetterQueue?: IQueue;
  /** Lambda's own retries of a failed asynchronous invocation (default 2). */
  retryAttempts?: number;
}

export class RestockFunction extends Construct {
  readonly fn: NodejsFunction;
  readonly role: Role;

  constructor(scope: Construct, id: string, props: RestockFunctionProps) {
    super(scope, id);
    const logGroup = new LogGroup(this, 'Logs', {
      retention: RetentionDays.ONE_MONTH,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    // An explicit role: NodejsFunction's default attaches the AWSLambdaBasicExecutionRole managed policy.
    this.role = new Role(this, 'Role', {
      assumedBy: new ServicePrincipal('lambda.amazonaws.com'),
      description: `Restock ${props.entry} Lambda`,
    });
    this.fn = new NodejsFunction(this, 'Function', {
      entry: `${repoRoot}cloud/lambdas/${props.entry}.ts`,
      handler: 'handler',
      projectRoot: repoRoot,
      depsLockFilePath: `${repoRoot}package-lock.json`,
      description: props.description,
      runtime: Runtime.NODEJS_24_X,
      architecture: Architecture.ARM_64,
      memorySize: props.memorySize ?? 256,
      timeout: props.timeout ?? Duration.seconds(10),
      role: this.role,
      logGroup,
      loggingFormat: LoggingFormat.JSON,
      deadLetterQueue: props.deadLetterQueue,
      retryAttempts: props.retryAttempts,
      environment: {
        POWERTOOLS_SERVICE_NAME: `restock-${props.entry}`,
        POWERTOOLS_LOG_LEVEL: 'INFO',
        NODE_OPTIONS: '--enable-source-maps',
        ...props.environment,
      },
      bundling: {
        format: OutputFormat.ESM,
        target: 'node24',
        minify: true,
        sourceMap: true,
        // The AWS SDK v3 ships with the runtime; everything else (Powertools, hono) is bundled.
        externalModules: ['@aws-sdk/*'],
        // ESM bundles of CommonJS dependencies still call require().
        banner:
          "import { createRequire } from 'node:module'; const require = createRequire(import.meta.url);",
        forceDockerBundling: false,
        logLevel: LogLevel.WARNING,
      },
    });
    logGroup.grantWrite(this.role);
  }
}
