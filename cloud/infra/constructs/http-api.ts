/**
 * The HTTP API: API Gateway HTTP API → the API Lambda (one Hono app does the routing), a
 * Cognito user pool with the three role groups, and a JWT authorizer on every route except the
 * two public documents.
 */
import { Aws, Duration, RemovalPolicy, Validations } from 'aws-cdk-lib';
import {
  HttpApi,
  HttpMethod,
  HttpNoneAuthorizer,
  HttpStage,
  LogGroupLogDestination,
} from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpUserPoolAuthorizer } from 'aws-cdk-lib/aws-apigatewayv2-authorizers';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import {
  AccountRecovery,
  ClientAttributes,
  FeaturePlan,
  Mfa,
  OAuthScope,
  StringAttribute,
  UserPool,
  type UserPoolClient,
  UserPoolClientIdentityProvider,
  UserPoolGroup,
} from 'aws-cdk-lib/aws-cognito';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { USER_GROUPS } from '../names.ts';

/** Routes that answer without a token: the load balancer-style probe and the API description. */
export const PUBLIC_ROUTES = ['GET /health', 'GET /openapi.json'] as const;

/** The Cognito hosted UI the web console signs in through (README, "Web console"). */
export interface HostedUiSettings {
  /** Globally unique prefix: `<prefix>.auth.<region>.amazoncognito.com`. */
  domainPrefix: string;
  /** The console's URL (the RestockWeb stack's WebUrl output); sign-in returns there. */
  callbackUrl: string;
}

export class Users extends Construct {
  readonly pool: UserPool;
  readonly client: UserPoolClient;

  constructor(scope: Construct, id: string, hostedUi?: HostedUiSettings) {
    super(scope, id);
    this.pool = new UserPool(this, 'Pool', {
      // Nothing would give a self-registered user a group or a tenant, and Cognito's default
      // e-mail sender allows a handful of messages a day: operators create accounts.
      selfSignUpEnabled: false,
      signInAliases: { email: true },
      // The tenant (household or brand id) is set by operators only: no app client may write it.
      customAttributes: { tenant: new StringAttribute({ mutable: true, maxLen: 64 }) },
      autoVerify: { email: true },
      featurePlan: FeaturePlan.ESSENTIALS,
      passwordPolicy: {
        minLength: 12,
        requireLowercase: true,
        requireUppercase: true,
        requireDigits: true,
        requireSymbols: true,
        tempPasswordValidity: Duration.days(3),
      },
      mfa: Mfa.OPTIONAL,
      mfaSecondFactor: { otp: true, sms: false },
      accountRecovery: AccountRecovery.EMAIL_ONLY,
      deletionProtection: true,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    Validations.of(this.pool).acknowledge(
      {
        id: 'AwsSolutions-COG2',
        reason: 'Households sign in to a fridge-button app; TOTP MFA is offered, not forced.',
      },
      {
        id: 'AwsSolutions-COG8',
        reason:
          'The Plus plan (threat protection) is billed per user; Essentials suffices to start.',
      },
    );
    for (const group of USER_GROUPS) {
      new UserPoolGroup(this, `Group-${group}`, {
        userPool: this.pool,
        groupName: group,
        description: `Restock role: ${group}`,
      });
    }
    this.client = this.pool.addClient('ApiClient', {
      authFlows: { userSrp: true, userPassword: true },
      readAttributes: new ClientAttributes()
        .withStandardAttributes({ email: true, emailVerified: true, fullname: true })
        .withCustomAttributes('tenant'),
      writeAttributes: new ClientAttributes().withStandardAttributes({
        email: true,
        fullname: true,
      }),
      generateSecret: false,
      preventUserExistenceErrors: true,
      accessTokenValidity: Duration.hours(1),
      idTokenValidity: Duration.hours(1),
      refreshTokenValidity: Duration.days(30),
      // The web console's hosted-UI sign-in (authorisation code + PKCE), when configured.
      ...(hostedUi
        ? {
            oAuth: {
              flows: { authorizationCodeGrant: true },
              // `openid` alone puts every attribute the client may read into the ID token;
              // adding `email` or `profile` narrows it, and `custom:tenant` would be left out.
              scopes: [OAuthScope.OPENID],
              callbackUrls: [hostedUi.callbackUrl],
              logoutUrls: [hostedUi.callbackUrl],
            },
            supportedIdentityProviders: [UserPoolClientIdentityProvider.COGNITO],
          }
        : {}),
    });
    if (hostedUi) {
      this.pool.addDomain('HostedUi', { cognitoDomain: { domainPrefix: hostedUi.domainPrefix } });
    }
  }

  /** The JWT issuer the API Lambda checks against (the authorizer already did, at the edge). */
  get issuer(): string {
    return `https://cognito-idp.${Aws.REGION}.amazonaws.com/${this.pool.userPoolId}`;
  }
}

export interface RestockHttpApiProps {
  handler: IFunction;
  users: Users;
}

export class RestockHttpApi extends Construct {
  readonly api: HttpApi;
  readonly stage: HttpStage;

  constructor(scope: Construct, id: string, props: RestockHttpApiProps) {
    super(scope, id);
    const authorizer = new HttpUserPoolAuthorizer('Cognito', props.users.pool, {
      userPoolClients: [props.users.client],
    });
    this.api = new HttpApi(this, 'Api', {
      description: 'Restock HTTP API',
      createDefaultStage: false,
      defaultAuthorizer: authorizer,
    });
    const integration = new HttpLambdaIntegration('App', props.handler);
    for (const route of PUBLIC_ROUTES) {
      const [, path] = route.split(' ') as [string, string];
      const routes = this.api.addRoutes({
        path,
        methods: [HttpMethod.GET],
        integration,
        authorizer: new HttpNoneAuthorizer(),
      });
      for (const r of routes) {
        Validations.of(r).acknowledge({
          id: 'AwsSolutions-APIG4',
          reason: `${route} is public by design: a health probe or the API description.`,
        });
      }
    }
    // Everything else reaches the app only with a valid token; the app checks the group.
    this.api.addRoutes({ path: '/{proxy+}', methods: [HttpMethod.ANY], integration });

    const accessLogs = new LogGroup(this, 'AccessLogs', {
      retention: RetentionDays.ONE_MONTH,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    this.stage = new HttpStage(this, 'Stage', {
      httpApi: this.api,
      stageName: '$default',
      autoDeploy: true,
      throttle: { rateLimit: 50, burstLimit: 100 },
      accessLogSettings: {
        // No format given: the HTTP API's default JSON access-log format applies.
        destination: new LogGroupLogDestination(accessLogs),
      },
    });
  }
}
