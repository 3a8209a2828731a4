import { beforeAll, describe, expect, it } from 'vitest';
import { type Cfn, flatten, ofType, type Resources, single, synth } from './synth.ts';

let resources: Resources;
beforeAll(() => {
  ({ resources } = synth());
});

describe('HTTP API', () => {
  it('puts the Cognito JWT authorizer on every route except GET /health and GET /openapi.json', () => {
    const routes = ofType(resources, 'AWS::ApiGatewayV2::Route').map(([, r]) => r.Properties);
    const [authorizerId] = single(ofType(resources, 'AWS::ApiGatewayV2::Authorizer'), 'authorizer');
    const byKey = Object.fromEntries(routes.map((r: Cfn) => [r.RouteKey, r]));
    expect(Object.keys(byKey).sort()).toEqual([
      'ANY /{proxy+}',
      'GET /health',
      'GET /openapi.json',
    ]);
    for (const route of routes) {
      if (route.RouteKey === 'GET /health' || route.RouteKey === 'GET /openapi.json') {
        expect(route.AuthorizationType).toBe('NONE');
        expect(route.AuthorizerId).toBeUndefined();
      } else {
        expect(route.AuthorizationType, route.RouteKey).toBe('JWT');
        expect(route.AuthorizerId, route.RouteKey).toEqual({ Ref: authorizerId });
      }
    }
  });

  it('validates tokens issued by the user pool for the API client', () => {
    const [, authorizer] = single(ofType(resources, 'AWS::ApiGatewayV2::Authorizer'), 'authorizer');
    const p = authorizer.Properties;
    expect(p.AuthorizerType).toBe('JWT');
    expect(p.IdentitySource).toEqual(['$request.header.Authorization']);
    const [poolId] = single(ofType(resources, 'AWS::Cognito::UserPool'), 'user pool');
    const [clientId] = single(ofType(resources, 'AWS::Cognito::UserPoolClient'), 'client');
    expect(flatten(p.JwtConfiguration.Issuer)).toBe(
      `https://cognito-idp.\${AWS::Region}.amazonaws.com/\${${poolId}}`,
    );
    expect(p.JwtConfiguration.Audience).toEqual([{ Ref: clientId }]);
  });

  it('creates the groups household, brand and support', () => {
    const groups = ofType(resources, 'AWS::Cognito::UserPoolGroup').map(
      ([, g]) => g.Properties.GroupName,
    );
    expect(groups.sort()).toEqual(['brand', 'household', 'support']);
  });

  it('lets no app client write the tenant claim (users cannot pick another tenant)', () => {
    const [[, pool]] = ofType(resources, 'AWS::Cognito::UserPool') as [[string, Cfn]];
    expect(JSON.stringify(pool.Properties.Schema)).toContain('"Name":"tenant"');
    const clients = ofType(resources, 'AWS::Cognito::UserPoolClient');
    expect(clients.length).toBeGreaterThan(0);
    for (const [, client] of clients) {
      const writable = client.Properties.WriteAttributes as string[];
      expect(writable).toBeDefined();
      expect(writable).not.toContain('custom:tenant');
    }
  });

  it('logs access and throttles the stage', () => {
    const [, stage] = single(ofType(resources, 'AWS::ApiGatewayV2::Stage'), 'stage');
    expect(stage.Properties.StageName).toBe('$default');
    expect(stage.Properties.AccessLogSettings.DestinationArn).toBeDefined();
    expect(stage.Properties.DefaultRouteSettings).toMatchObject({
      ThrottlingRateLimit: 50,
      ThrottlingBurstLimit: 100,
    });
  });
});
