/**
 * The API Lambda as API Gateway calls it, with Cognito-style RS256 ID tokens: a key pair whose
 * JWKS the recording loopback serves at `{issuer}/.well-known/jwks.json`, and a call helper that
 * hands the handler a payload-2.0 event with a brand's token.
 */
import type { LambdaContext } from 'hono/aws-lambda';
import { exportJWK, generateKeyPair, type JWK, SignJWT } from 'jose';
import { httpApiEvent } from './http-api-event.ts';

export interface TokenIssuer {
  jwks: { keys: JWK[] };
  sign(claims: Record<string, unknown>): Promise<string>;
}

export async function cognitoIssuer(issuer: string, audience: string): Promise<TokenIssuer> {
  const pair = await generateKeyPair('RS256');
  const jwk = { ...(await exportJWK(pair.publicKey)), kid: 'k1', alg: 'RS256', use: 'sig' };
  return {
    jwks: { keys: [jwk] },
    sign: (claims) =>
      new SignJWT(claims)
        .setProtectedHeader({ alg: 'RS256', kid: 'k1' })
        .setIssuer(issuer)
        .setAudience(audience)
        .setSubject('user-1')
        .setIssuedAt()
        .setExpirationTime('1h')
        .sign(pair.privateKey),
  };
}

// biome-ignore lint/suspicious/noExplicitAny: parsed JSON; the assertions check its shape
export type Json = any;

/** JSON bodies as JSON; bytes as the gateway hands binary bodies over (base64). */
export async function callApiLambda(
  token: string,
  method: string,
  path: string,
  body?: unknown,
): Promise<{ status: number; body: Json }> {
  const { handler } = await import('../../cloud/lambdas/api.ts');
  const headers = { authorization: `Bearer ${token}` };
  const event =
    body instanceof Uint8Array
      ? {
          ...httpApiEvent(method, path, { ...headers, 'content-type': 'application/octet-stream' }),
          body: Buffer.from(body).toString('base64'),
          isBase64Encoded: true,
        }
      : httpApiEvent(
          method,
          path,
          { ...headers, 'content-type': 'application/json' },
          body === undefined ? null : JSON.stringify(body),
        );
  const result = await handler(event, {} as LambdaContext);
  return { status: result.statusCode ?? 0, body: JSON.parse(result.body ?? 'null') };
}
