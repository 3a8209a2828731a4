/** Token verification and the local issuer: what is accepted, and everything that is not. */
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { exportJWK, generateKeyPair, SignJWT } from 'jose';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { tokenCommand } from '../../../cloud/api/token-cli.ts';
import { ForbiddenError, UnauthenticatedError } from '../../../cloud/core/auth/errors.ts';
import {
  LOCAL_AUDIENCE,
  LOCAL_ISSUER,
  LocalIssuer,
} from '../../../cloud/core/auth/local-issuer.ts';
import { createJwtVerifier } from '../../../cloud/core/auth/token-verifier.ts';
import { ManualClock } from '../../helpers/world.ts';

let dir: string;
const clock = new ManualClock();

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'restock-auth-'));
});
afterEach(() => rm(dir, { recursive: true, force: true }));

async function signWith(
  claims: Record<string, unknown>,
  options: { iss?: string; aud?: string; exp?: number } = {},
) {
  const { privateKey, publicKey } = await generateKeyPair('ES256');
  const now = Math.floor(clock.now() / 1000);
  const token = await new SignJWT(claims)
    .setProtectedHeader({ alg: 'ES256' })
    .setIssuer(options.iss ?? LOCAL_ISSUER)
    .setAudience(options.aud ?? LOCAL_AUDIENCE)
    .setSubject('someone')
    .setIssuedAt(now)
    .setExpirationTime(options.exp ?? now + 60)
    .sign(privateKey);
  const verifier = createJwtVerifier({
    issuer: LOCAL_ISSUER,
    audience: LOCAL_AUDIENCE,
    key: publicKey,
    algorithms: ['ES256'],
    clock,
  });
  return { token, verifier };
}

describe('token verification', () => {
  it('accepts the local issuer’s tokens and reads role and tenant', async () => {
    const issuer = await LocalIssuer.open(dir, clock);
    const principal = await issuer
      .verifier()
      .verify(await issuer.sign({ role: 'brand', tenant: 'acme' }));
    expect(principal).toMatchObject({ role: 'brand', tenant: 'acme' });
  });

  it('reads the role from cognito:groups', async () => {
    const { token, verifier } = await signWith({
      'cognito:groups': ['admins', 'household'],
      'custom:tenant': 'hh-9',
    });
    expect(await verifier.verify(token)).toMatchObject({ role: 'household', tenant: 'hh-9' });
  });

  it('refuses a wrong issuer, a wrong audience and an expired token', async () => {
    const claims = { 'custom:role': 'support' };
    for (const options of [
      { iss: 'evil' },
      { aud: 'other-api' },
      { exp: Math.floor(clock.now() / 1000) - 1 },
    ]) {
      const { token, verifier } = await signWith(claims, options);
      await expect(verifier.verify(token)).rejects.toBeInstanceOf(UnauthenticatedError);
    }
  });

  it('refuses alg none and an HMAC token keyed with the public key (algorithm confusion)', async () => {
    const issuer = await LocalIssuer.open(dir, clock);
    const good = await issuer.sign({ role: 'support' });
    const [, payload] = good.split('.');
    const none = `${Buffer.from('{"alg":"none"}').toString('base64url')}.${payload}.`;
    await expect(issuer.verifier().verify(none)).rejects.toBeInstanceOf(UnauthenticatedError);
    const { publicKey } = await generateKeyPair('ES256', { extractable: true });
    const secret = new TextEncoder().encode(JSON.stringify(await exportJWK(publicKey)));
    const hs = await new SignJWT({ 'custom:role': 'support' })
      .setProtectedHeader({ alg: 'HS256' })
      .setIssuer(LOCAL_ISSUER)
      .setAudience(LOCAL_AUDIENCE)
      .setSubject('x')
      .setExpirationTime(Math.floor(clock.now() / 1000) + 60)
      .sign(secret);
    await expect(issuer.verifier().verify(hs)).rejects.toBeInstanceOf(UnauthenticatedError);
  });

  it('refuses a token without a known role, or a tenant role without a tenant', async () => {
    for (const claims of [{}, { 'custom:role': 'admin' }, { 'custom:role': 'brand' }]) {
      const { token, verifier } = await signWith(claims);
      await expect(verifier.verify(token)).rejects.toBeInstanceOf(ForbiddenError);
    }
  });
});

describe('local issuer and npm run token', () => {
  it('keeps one private key in the data folder, readable by its owner only', async () => {
    const a = await LocalIssuer.open(dir, clock);
    const b = await LocalIssuer.open(dir, clock);
    await b.verifier().verify(await a.sign({ role: 'support' }));
    const mode = (await stat(join(dir, 'auth', 'issuer-key.json'))).mode & 0o777;
    expect(mode).toBe(0o600);
  });

  it('prints a token for a role and tenant, and refuses bad arguments', async () => {
    const token = await tokenCommand(['household', '--household', 'hh-7', '--data-dir', dir]);
    const issuer = await LocalIssuer.open(dir, { now: () => Date.now() });
    expect(await issuer.verifier().verify(token)).toMatchObject({
      role: 'household',
      tenant: 'hh-7',
    });
    await expect(tokenCommand(['brand', '--data-dir', dir])).rejects.toThrow(/--brand/);
    await expect(tokenCommand(['root', '--data-dir', dir])).rejects.toThrow(/usage/);
    await expect(tokenCommand(['brand', '--household', 'x', '--data-dir', dir])).rejects.toThrow();
  });
});
