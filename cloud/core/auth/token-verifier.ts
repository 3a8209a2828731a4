/**
 * Bearer token verification: signature, issuer, audience and expiry, with an explicit
 * algorithm allow-list (so `alg: none` and algorithm-confusion tokens are refused).
 * The key is a JWKS URL in AWS (Cognito) or the local issuer's public key.
 */
import { type CryptoKey, createRemoteJWKSet, type JWTVerifyGetKey, jwtVerify } from 'jose';
import type { Clock } from '../ports.ts';
import { UnauthenticatedError } from './errors.ts';
import { type Principal, principalFromClaims } from './principal.ts';

export interface TokenVerifier {
  verify(token: string): Promise<Principal>;
}

export interface JwtVerifierOptions {
  issuer: string;
  audience: string;
  key: CryptoKey | Uint8Array | JWTVerifyGetKey;
  algorithms: string[];
  clock: Clock;
}

export function createJwtVerifier(options: JwtVerifierOptions): TokenVerifier {
  return {
    async verify(token) {
      let payload: Awaited<ReturnType<typeof jwtVerify>>['payload'];
      try {
        const verified = await jwtVerify(token, options.key as CryptoKey, {
          issuer: options.issuer,
          audience: options.audience,
          algorithms: options.algorithms,
          currentDate: new Date(options.clock.now()),
          requiredClaims: ['exp', 'sub'],
        });
        payload = verified.payload;
      } catch (error) {
        throw new UnauthenticatedError('the bearer token is not valid', error);
      }
      return principalFromClaims(payload);
    },
  };
}

/**
 * Cognito user pool ID tokens: `aud` is the app client id and they carry the groups and custom
 * attributes. `issuer` is https://cognito-idp.{region}.amazonaws.com/{userPoolId}.
 */
export function cognitoVerifier(config: {
  issuer: string;
  audience: string;
  clock: Clock;
}): TokenVerifier {
  return createJwtVerifier({
    issuer: config.issuer,
    audience: config.audience,
    key: createRemoteJWKSet(new URL(`${config.issuer}/.well-known/jwks.json`)),
    algorithms: ['RS256'],
    clock: config.clock,
  });
}
