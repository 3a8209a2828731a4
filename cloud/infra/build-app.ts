/** Builds the app's construct tree; shared by the CDK entry point (app.ts) and the tests. */
import { App } from 'aws-cdk-lib';
import { STACK_NAME } from './names.ts';
import { RestockStack } from './restock-stack.ts';

export function buildApp(app = new App()): { app: App; stack: RestockStack } {
  const endpoint = app.node.tryGetContext('iotDataEndpoint');
  const stack = new RestockStack(app, STACK_NAME, {
    description: 'Restock: Dash-style reorder buttons on AWS IoT Core, Lambda and DynamoDB',
    iotDataEndpoint: typeof endpoint === 'string' && endpoint !== '' ? endpoint : undefined,
  });
  return { app, stack };
}
