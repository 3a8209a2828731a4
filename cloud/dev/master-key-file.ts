/**
 * The local stack's master key: 32 random bytes, key version 1, in a 0600 file in the data
 * folder. Device keys are derived from it (DerivedKeySource), exactly as the cloud derives them
 * from the master key it keeps in Secrets Manager.
 */
import { randomBytes } from 'node:crypto';
import { chmod } from 'node:fs/promises';
import { join } from 'node:path';
import { MAX_KEY_VERSION } from '#shared/index';
import { DerivedKeySource } from '../core/keys.ts';
import type { KeySource } from '../core/ports.ts';
import { nodeSha256 } from '../core/sha256.ts';
import { LocalConfigError } from './errors.ts';
import { readTextIfExists, writeFileAtomic } from './files.ts';

export const MASTER_KEY_FILE = 'master-key.json';
export const LOCAL_KEY_VERSION = 1;
const KEY_BYTES = 32;

export interface MasterKeys {
  /** Key version → master key. */
  keys: ReadonlyMap<number, Uint8Array>;
  current: number;
}

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
  return parseMasterKeys(text, path);
}

export function parseMasterKeys(text: string, where: string): MasterKeys {
  const fail = (why: string, cause?: unknown): never => {
    throw new LocalConfigError(
      `the master key file ${where} ${why}: restore it from a backup, or delete it (and the data folder's devices then need new keys)`,
      { where },
      cause,
    );
  };
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    return fail('is not JSON', error);
  }
  const record = parsed as { current?: unknown; keys?: Record<string, unknown> };
  const keys = new Map<number, Uint8Array>();
  for (const [version, hex] of Object.entries(record.keys ?? {})) {
    const v = Number(version);
    if (!Number.isInteger(v) || v < 1 || v > MAX_KEY_VERSION)
      fail(`has a bad key version ${version}`);
    if (typeof hex !== 'string' || !/^[0-9a-f]{64}$/.test(hex)) fail(`has a malformed key ${v}`);
    keys.set(v, new Uint8Array(Buffer.from(hex as string, 'hex')));
  }
  const current = record.current;
  if (typeof current !== 'number' || !keys.has(current)) fail('names no usable current key');
  return { keys, current: current as number };
}

export function keySourceFor(master: MasterKeys): KeySource {
  return new DerivedKeySource(master.keys, nodeSha256);
}
