/**
 * The token issuer for one machine: an ES256 key pair kept in the data folder (created on
 * first use), tokens with the same claims Cognito would carry. Development only.
 */
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { type CryptoKey, exportJWK, generateKeyPair, importJWK, type JWK, SignJWT } from 'jose';
import type { Role } from '../model.ts';
import type { Clock } from '../ports.ts';
import { createJwtVerifier, type TokenVerifier } from './token-verifier.ts';

export const LOCAL_ISSUER = 'restock-local';
export const LOCAL_AUDIENCE = 'restock-api';
const ALG = 'ES256';
const KEY_FILE = join('auth', 'issuer-key.json');

export interface TokenRequest {
  role: Role;
  /** Household id or brand id; support tokens need none. */
  tenant?: string;
  subject?: string;
  ttlSeconds?: number;
}

export class LocalIssuer {
  private constructor(
    private readonly privateKey: CryptoKey,
    private readonly publicKey: CryptoKey,
    private readonly clock: Clock,
  ) {}

  /** Loads the key pair from `dataDir`, creating it on first use. */
  static async open(dataDir: string, clock: Clock): Promise<LocalIssuer> {
    const file = join(dataDir, KEY_FILE);
    let jwk: JWK;
    try {
      jwk = JSON.parse(await readFile(file, 'utf8')) as JWK;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
      const pair = await generateKeyPair(ALG, { extractable: true });
      jwk = await exportJWK(pair.privateKey);
      await mkdir(join(dataDir, 'auth'), { recursive: true });
      await writeFile(file, JSON.stringify(jwk), { mode: 0o600, flag: 'wx' }).catch(
        async (writeError: NodeJS.ErrnoException) => {
          // Another process created it first: use theirs, so both sign with one key.
          if (writeError.code !== 'EEXIST') throw writeError;
          jwk = JSON.parse(await readFile(file, 'utf8')) as JWK;
        },
      );
    }
    const { d: _private, ...publicJwk } = jwk;
    return new LocalIssuer(
      (await importJWK(jwk, ALG)) as CryptoKey,
      (await importJWK(publicJwk, ALG)) as CryptoKey,
      clock,
    );
  }

  async sign(request: TokenRequest): Promise<string> {
    const now = Math.floor(this.clock.now() / 1000);
    const claims: Record<string, unknown> = { 'custom:role': request.role };
    if (request.tenant !== undefined) claims['custom:tenant'] = request.tenant;
    return new SignJWT(claims)
      .setProtectedHeader({ alg: ALG, typ: 'JWT' })
      .setIssuer(LOCAL_ISSUER)
      .setAudience(LOCAL_AUDIENCE)
      .setSubject(request.subject ?? `${request.role}:${request.tenant ?? 'staff'}`)
      .setIssuedAt(now)
      .setExpirationTime(now + (request.ttlSeconds ?? 3600))
      .sign(this.privateKey);
  }

  verifier(): TokenVerifier {
    return createJwtVerifier({
      issuer: LOCAL_ISSUER,
      audience: LOCAL_AUDIENCE,
      key: this.publicKey,
      algorithms: [ALG],
      clock: this.clock,
    });
  }
}
