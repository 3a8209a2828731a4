/**
 * Master keys by key version, stored as one Secrets Manager secret: {"1": "<64 hex chars>", …}.
 * Read once per Lambda instance; adding a version rotates keys without touching old buttons.
 */
import { GetSecretValueCommand, type SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { fromHex } from '#shared/index';
import { RestockError } from '../../core/errors.ts';

export class MasterKeyError extends RestockError {
  override readonly name = 'MasterKeyError';
  constructor(message: string, cause?: unknown) {
    super('MASTER_KEY_INVALID', message, { cause });
  }
}

export function parseMasterKeys(json: string): Map<number, Uint8Array> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(json);
  } catch (error) {
    throw new MasterKeyError(
      'master key secret is not JSON; expected {"1":"<64 hex chars>"}',
      error,
    );
  }
  const keys = new Map<number, Uint8Array>();
  for (const [version, hex] of Object.entries(parsed as Record<string, unknown>)) {
    const key = typeof hex === 'string' ? fromHex(hex) : null;
    if (!key || key.length < 32 || !/^[1-9][0-9]*$/.test(version)) {
      throw new MasterKeyError(
        `master key version ${version} must be at least 32 bytes of lowercase hex`,
      );
    }
    keys.set(Number(version), key);
  }
  if (keys.size === 0) throw new MasterKeyError('master key secret holds no key version');
  return keys;
}

export async function loadMasterKeys(
  client: SecretsManagerClient,
  secretId: string,
): Promise<Map<number, Uint8Array>> {
  const secret = await client.send(new GetSecretValueCommand({ SecretId: secretId }));
  return parseMasterKeys(secret.SecretString ?? '');
}
