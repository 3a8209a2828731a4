/**
 * The local stack's master key: 32 random bytes, key version 1, in a 0600 file in the data
 * folder. Device keys are derived from it (DerivedKeySource), exactly as the cloud derives them
 * from the master key it keeps in Secrets Manager.
 */
import { randomBytes } from 'node:crypto';
import { chmod } from 'node:fs/promises';
import { join } from 'node:path';
import { DerivedKeySource } from '../core/keys.ts';
import { type MasterKeys, parseMasterKeys } from '../core/master-keys.ts';
import type { KeySource } from '../core/ports.ts';
import { nodeSha256 } from '../core/sha256.ts';
import { LocalConfigError } from './errors.ts';
import { readTextIfExists, writeFileAtomic } from './files.ts';

export const MASTER_KEY_FILE = 'master-key.json';
export const LOCAL_KEY_VERSION = 1;
const KEY_BYTES = 32;

export async function ensureMasterKey(dataDir: string): Promise<MasterKeys> {
  const path = join(dataDir, MASTER_KEY_FILE);
  let text = await readTextIfExists(path);
  if (text === null) {
    const key = randomBytes(KEY_BYTES).toString('hex');
    text = `${JSON.stringify({ current: LOCAL_KEY_VERSION, keys: { [LOCAL_KEY_VERSION]: key } }, null, 2)}\n`;
    await writeFileAtomic(path, text, 0o600);
  } else {
    // Tighten permissions a copy or an editor may have loosened.
    await chmod(path, 0o600);
  }
  return parseMasterKeyFile(text, path);
}

/** The file's keys; anything unusable is a LocalConfigError that says what to do. */
export function parseMasterKeyFile(text: string, where: string): MasterKeys {
  try {
    return parseMasterKeys(text);
  } catch (error) {
    throw new LocalConfigError(
      `the master key file ${where} is unusable (${error instanceof Error ? error.message : String(error)}): restore it from a backup, or delete it (and the data folder's devices then need new keys)`,
      { where },
      error,
    );
  }
}

export function keySourceFor(master: MasterKeys): KeySource {
  return new DerivedKeySource(master.keys, nodeSha256);
}
