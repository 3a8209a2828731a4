import { createHash } from 'node:crypto';
import type { Sha256 } from '#shared/index';

/** node:crypto behind the contract's SHA-256 port. */
export const nodeSha256: Sha256 = (data) =>
  new Uint8Array(createHash('sha256').update(data).digest());
