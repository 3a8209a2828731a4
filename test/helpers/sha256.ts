import { createHash } from 'node:crypto';
import type { Sha256 } from '#shared/index';

/** Node's SHA-256 behind the contract's primitive port. */
export const nodeSha256: Sha256 = (data) =>
  new Uint8Array(createHash('sha256').update(data).digest());
