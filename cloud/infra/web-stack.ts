/**
 * The web console as its own stack (`RestockWeb`), next to `Restock`: it reads the HTTP API's id
 * and the Cognito app client from it. Deploy both with `npx cdk deploy --all`.
 */
import { Annotations, CfnOutput, Stack, type StackProps } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import { WebConsole } from './constructs/web-console.ts';
import type { RestockStack } from './restock-stack.ts';

export interface RestockWebStackProps extends StackProps {
  restock: RestockStack;
  /** Hosted-UI domain prefix (`-c cognitoDomainPrefix=…`), when the pool has a domain. */
  cognitoDomainPrefix?: string;
}

export class RestockWebStack extends Stack {
  readonly console: WebConsole;

  constructor(scope: Construct, id: string, props: RestockWebStackProps) {
    super(scope, id, props);
    const { restock } = props;
    this.console = new WebConsole(this, 'Console', {
      apiId: restock.http.api.apiId,
      userPoolClientId: restock.users.client.userPoolClientId,
      cognitoDomain: props.cognitoDomainPrefix
        ? `${props.cognitoDomainPrefix}.auth.${this.region}.amazoncognito.com`
        : undefined,
    });
    // Strong references on purpose: Restock cannot drop the API or client this stack uses.
    Annotations.of(this).acknowledgeWarning(
      '@aws-cdk/core:crossStackReferencesDefaultStrong',
      'RestockWeb reads the API id and app client from Restock; strong exports protect them.',
    );
    new CfnOutput(this, 'WebUrl', {
      value: `https://${this.console.distribution.distributionDomainName}/`,
      description: 'The web console (CloudFront); pass it back as -c webConsoleUrl=…',
    });
  }
}
