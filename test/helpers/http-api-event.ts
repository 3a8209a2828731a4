/** An API Gateway HTTP API (payload format 2.0) event, as the gateway hands a request to Lambda. */
import type { LambdaEvent } from 'hono/aws-lambda';

export function httpApiEvent(
  method: string,
  path: string,
  headers: Record<string, string> = {},
  body: string | null = null,
): LambdaEvent {
  return {
    version: '2.0',
    routeKey: '$default',
    rawPath: path,
    rawQueryString: '',
    headers,
    body,
    isBase64Encoded: false,
    requestContext: {
      accountId: '000000000000',
      authentication: null,
      authorizer: {},
      apiId: 'api',
      domainName: 'api.example.org',
      domainPrefix: 'api',
      http: { method, path, protocol: 'HTTP/1.1', sourceIp: '127.0.0.1', userAgent: 'test' },
      requestId: 'r1',
      routeKey: '$default',
      stage: '$default',
      time: '',
      timeEpoch: 0,
    },
  };
}
