/**
 * The master signing keys, by key version. One reader for both encodings, each key version →
 * 64 lowercase hex characters (32 bytes):
 * - the Secrets Manager secret the stack generates: `{"1": "<hex>"}`;
 * - the local stack's file: `{"current": 1, "keys": {"1": "<hex>"}}`.
 * New devices get the current version: `current` where given, else the highest version.
 */
import { MAX_KEY_VERSION } from '#shared/index';
import { RestockError } from './errors.ts';

export interface MasterKeys {
  keys: ReadonlyMap<number, Uint8Array>;
  current: number;
}

export class MasterKeyError extends RestockError {
  override readonly name = 'MasterKeyError';
  constructor(message: string, cause?: unknown) {
    super('MASTER_KEY_INVALID', message, { cause });
  }
}

const FORM = 'expected {"1": "<64 hex>"} or {"current": 1, "keys": {"1": "<64 hex>"}}';

export function parseMasterKeys(text: string): MasterKeys {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new MasterKeyError(`master key is not JSON; ${FORM}`, error);
  }
  if (typeof parsed !== 'object' || parsed === null) {
    throw new MasterKeyError(`master key is not a JSON object; ${FORM}`);
  }
  const record = parsed as { current?: unknown; keys?: unknown };
  const byVersion = (
    typeof record.keys === 'object' && record.keys !== null ? record.keys : record
  ) as Record<string, unknown>;
  const keys = new Map<number, Uint8Array>();
  for (const [version, hex] of Object.entries(byVersion)) {
    if (byVersion === record && version === 'current') continue;
    const v = Number(version);
    if (!/^[1-9][0-9]*$/.test(version) || v > MAX_KEY_VERSION) {
      throw new MasterKeyError(`master key version ${version} is not 1…${MAX_KEY_VERSION}`);
    }
    if (typeof hex !== 'string' || !/^[0-9a-f]{64}$/.test(hex)) {
      throw new MasterKeyError(`master key version ${version} is not 64 lowercase hex characters`);
    }
    keys.set(v, new Uint8Array(Buffer.from(hex, 'hex')));
  }
  if (keys.size === 0) throw new MasterKeyError(`master key holds no key version; ${FORM}`);
  const current = record.current ?? Math.max(...keys.keys());
  if (typeof current !== 'number' || !keys.has(current)) {
    throw new MasterKeyError(`master key names no usable current version (${String(current)})`);
  }
  return { keys, current };
}
