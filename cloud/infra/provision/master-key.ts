/**
 * Reads the master signing keys. Two encodings, both key version → 64 hex characters:
 * - the Secrets Manager secret the stack generates: `{"1": "<hex>"}`;
 * - the local stack's file: `{"current": 1, "keys": {"1": "<hex>"}}`.
 * New devices get the current version: `current` where given, else the highest version.
 */
import { GetSecretValueCommand, type SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { MAX_KEY_VERSION } from '#shared/index';
import { ProvisioningError } from './errors.ts';
import type { MasterKey } from './ports.ts';

export function parseMasterKey(text: string, where: string): MasterKey {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (cause) {
    throw new ProvisioningError(`the master key in ${where} is not JSON`, { where }, cause);
  }
  const record = (parsed ?? {}) as { current?: unknown; keys?: unknown };
  const table = (
    typeof record.keys === 'object' && record.keys !== null ? record.keys : record
  ) as Record<string, unknown>;
  const versions = Object.keys(table)
    .map(Number)
    .filter((v) => Number.isInteger(v) && v >= 1 && v <= MAX_KEY_VERSION);
  const version = typeof record.current === 'number' ? record.current : Math.max(...versions);
  const hex = table[String(version)];
  if (typeof hex !== 'string' || !/^[0-9a-f]{64}$/.test(hex)) {
    throw new ProvisioningError(
      `the master key in ${where} has no 64-hex key for version ${version}`,
      {
        where,
      },
    );
  }
  return { version, key: new Uint8Array(Buffer.from(hex, 'hex')) };
}

export async function masterKeyFromSecretsManager(
  client: Pick<SecretsManagerClient, 'send'>,
  secretId: string,
): Promise<MasterKey> {
  const out = await client.send(new GetSecretValueCommand({ SecretId: secretId }));
  if (!out.SecretString)
    throw new ProvisioningError('the master key secret is empty', { secretId });
  return parseMasterKey(out.SecretString, `secret ${secretId}`);
}
