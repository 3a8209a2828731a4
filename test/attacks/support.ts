/**
 * The attack tests' target: the local stack as `npm start` runs it (broker with per-device
 * authentication, topic rule, press pipeline on dynalite, HTTP API with local-issuer tokens), on
 * free ports in a temporary folder, with two tenants of each kind so one can attack the other:
 *   brand acme (demo data): demo-1, demo-2 claimed by household hh-demo; demo-3 unclaimed
 *   brand globex:           globex-1 claimed by household hh-other
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { type CryptoKey, importJWK, type JWK, SignJWT } from 'jose';
import { connect, type MqttClient } from 'mqtt';
import { mqttPasswordFor } from '#shared/index';
import { dynamoApiStores } from '../../cloud/api/stores.ts';
import { LocalIssuer, type TokenRequest } from '../../cloud/core/auth/local-issuer.ts';
import { Catalog } from '../../cloud/core/catalog/catalog.ts';
import { Fleet } from '../../cloud/core/fleet/fleet.ts';
import { systemClock } from '../../cloud/core/ports.ts';
import { nodeSha256 } from '../../cloud/core/sha256.ts';
import { localPipeline } from '../../cloud/local/pipeline.ts';
import { type RunningStack, startStack } from '../../cloud/local/stack.ts';
import { quietLog, stackConfig, tempDir } from '../e2e/support.ts';

export const GLOBEX = { brandId: 'globex', skuId: 'globex-soap', deviceId: 'globex-1' } as const;
export const OTHER_HOUSEHOLD = 'hh-other';

export interface Target {
  stack: RunningStack;
  dataDir: string;
  log: ReturnType<typeof quietLog>;
  api: string;
  token(request: TokenRequest): Promise<string>;
  /** The local issuer's own private key (to forge tokens that differ in one claim only). */
  issuerKey(): Promise<CryptoKey>;
  close(): Promise<void>;
}

export async function startTarget(): Promise<Target> {
  const data = await tempDir();
  const log = quietLog();
  const stack = await startStack(stackConfig(data.dir), { log, pipeline: localPipeline });
  try {
    const stores = dynamoApiStores(stack.table);
    const catalog = new Catalog(stores.skus, systemClock);
    const fleet = new Fleet(
      stores.buttons,
      stores.claims,
      catalog,
      stack.keySource,
      systemClock,
      stores.buttonEvents,
    );
    await catalog.create(GLOBEX.brandId, {
      skuId: GLOBEX.skuId,
      name: 'Globex soap',
      priceCents: 499,
      currency: 'EUR',
      maxQuantity: 3,
      inStock: true,
    });
    const [registered] = await fleet.registerBatch(GLOBEX.brandId, 1, [
      { deviceId: GLOBEX.deviceId, serial: 'GLOBEX-1' },
    ]);
    await fleet.bindSku(GLOBEX.brandId, GLOBEX.deviceId, GLOBEX.skuId);
    await stores.households.putHousehold({
      householdId: OTHER_HOUSEHOLD,
      name: 'The Other Household',
      email: 'other@example.invalid',
      address: '2 Other Street',
      createdAt: systemClock.now(),
    });
    await fleet.claim(OTHER_HOUSEHOLD, (registered as { claimCode: string }).claimCode);
    const terms = await fleet.terms(OTHER_HOUSEHOLD, GLOBEX.deviceId);
    await fleet.acceptTerms(OTHER_HOUSEHOLD, GLOBEX.deviceId, terms.unitPriceCents);
  } catch (error) {
    await stack.close();
    await data.remove();
    throw error;
  }
  const issuer = await LocalIssuer.open(data.dir, systemClock);
  return {
    stack,
    dataDir: data.dir,
    log,
    api: `http://127.0.0.1:${stack.runtime.httpPort}`,
    token: (request) => issuer.sign(request),
    issuerKey: async () => {
      const jwk = JSON.parse(
        await readFile(join(data.dir, 'auth', 'issuer-key.json'), 'utf8'),
      ) as JWK;
      return (await importJWK(jwk, 'ES256')) as CryptoKey;
    },
    close: async () => {
      await stack.close();
      await data.remove();
    },
  };
}

/** A raw MQTT client that authenticates as `as` with `passwordOf`'s derived password. */
export async function mqttAs(
  target: Target,
  clientId: string,
  passwordOf: string = clientId,
): Promise<{ client: MqttClient; refused: string | null }> {
  const key = (await target.stack.keySource.deviceKey(passwordOf, 1)) as Uint8Array;
  const client = connect(`mqtt://127.0.0.1:${target.stack.runtime.mqttPort}`, {
    protocolVersion: 4,
    clientId,
    username: clientId,
    password: mqttPasswordFor(nodeSha256, key),
    reconnectPeriod: 0,
    connectTimeout: 5_000,
  });
  const refused = await new Promise<string | null>((resolve) => {
    client.once('connect', () => resolve(null));
    client.once('error', (error) => resolve(error.message));
    client.once('close', () => resolve('connection closed'));
  });
  client.on('error', () => undefined);
  return { client, refused };
}

/** Collects what arrives on a topic for `ms` milliseconds. */
export function listen(client: MqttClient, topic: string, ms: number): Promise<string[]> {
  const got: string[] = [];
  const on = (t: string, payload: Buffer) => {
    if (t === topic) got.push(payload.toString('utf8'));
  };
  client.on('message', on);
  return new Promise((resolve) =>
    setTimeout(() => {
      client.off('message', on);
      resolve(got);
    }, ms),
  );
}

/** Signs arbitrary claims as the local issuer would (for tokens that differ in one claim). */
export async function forgeToken(
  key: CryptoKey,
  claims: {
    iss?: string;
    aud?: string;
    exp?: number;
    sub?: string;
    role?: string;
    tenant?: string;
  },
): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  return new SignJWT({ 'custom:role': claims.role ?? 'household', 'custom:tenant': claims.tenant })
    .setProtectedHeader({ alg: 'ES256', typ: 'JWT' })
    .setIssuer(claims.iss ?? 'restock-local')
    .setAudience(claims.aud ?? 'restock-api')
    .setSubject(claims.sub ?? 'attacker')
    .setIssuedAt(now - 10)
    .setExpirationTime(claims.exp ?? now + 3600)
    .sign(key);
}
