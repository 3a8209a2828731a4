/** The master key new devices get (the current version), from a file or Secrets Manager. */
import { GetSecretValueCommand, type SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { parseMasterKeys } from '../../core/master-keys.ts';
import { ProvisioningError } from './errors.ts';
import type { MasterKey } from './ports.ts';

export function parseMasterKey(text: string, where: string): MasterKey {
  try {
    const { keys, current } = parseMasterKeys(text);
    return { version: current, key: keys.get(current) as Uint8Array };
  } catch (cause) {
    const why = cause instanceof Error ? cause.message : String(cause);
    throw new ProvisioningError(`the master key in ${where}: ${why}`, { where }, cause);
  }
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
