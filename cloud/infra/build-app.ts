/** Builds the app's construct tree; shared by the CDK entry point (app.ts) and the tests. */
import { App } from 'aws-cdk-lib';
import { STACK_NAME, WEB_STACK_NAME } from './names.ts';
import { RestockStack } from './restock-stack.ts';
import { RestockWebStack } from './web-stack.ts';

export function buildApp(app = new App()): {
  app: App;
  stack: RestockStack;
  web: RestockWebStack;
} {
  const context = (key: string) => {
    const value = app.node.tryGetContext(key);
    return typeof value === 'string' && value !== '' ? value : undefined;
  };
  const domainPrefix = context('cognitoDomainPrefix');
  const callbackUrl = context('webConsoleUrl');
  const stack = new RestockStack(app, STACK_NAME, {
    description: 'Restock: Dash-style reorder buttons on AWS IoT Core, Lambda and DynamoDB',
    iotDataEndpoint: context('iotDataEndpoint'),
    iotLogging: context('iotLogging') !== 'off',
    iotJobEvents: context('iotJobEvents') !== 'off',
    hostedUi: domainPrefix && callbackUrl ? { domainPrefix, callbackUrl } : undefined,
  });
  const web = new RestockWebStack(app, WEB_STACK_NAME, {
    description: 'Restock web console: static files on S3 behind CloudFront, /v1/* to the API',
    restock: stack,
    cognitoDomainPrefix: domainPrefix && callbackUrl ? domainPrefix : undefined,
  });
  return { app, stack, web };
}
