/**
 * Master keys by key version, stored as one Secrets Manager secret: {"1": "<64 hex chars>", …}.
 * Read once per Lambda instance; adding a version rotates keys without touching old buttons.
 */
import { GetSecretValueCommand, type SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { type MasterKeys, parseMasterKeys } from '../../core/master-keys.ts';

export async function loadMasterKeys(
  client: SecretsManagerClient,
  secretId: string,
): Promise<MasterKeys> {
  const secret = await client.send(new GetSecretValueCommand({ SecretId: secretId }));
  return parseMasterKeys(secret.SecretString ?? '');
}
