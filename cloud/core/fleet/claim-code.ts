/**
 * Claim codes are derived from the device key (HMAC with a fixed label), so a retried or
 * replayed registration yields the same codes without the codes ever being stored; only their
 * SHA-256 is kept, to look a claim up.
 */
import { createHash, createHmac } from 'node:crypto';

const LABEL = 'restock-claim-code-v1';
/** Crockford base32: no I, L, O, U — easy to read off a card and type. */
const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
const GROUPS = 4;
const GROUP_LENGTH = 4;

export function deriveClaimCode(deviceKey: Uint8Array): string {
  const mac = createHmac('sha256', deviceKey).update(LABEL).digest();
  let code = '';
  for (let i = 0; i < GROUPS * GROUP_LENGTH; i++) {
    if (i > 0 && i % GROUP_LENGTH === 0) code += '-';
    code += ALPHABET[(mac[i] as number) % 32];
  }
  return code;
}

/** Upper-cases and drops separators and spaces, so "abcd efgh..." and "ABCD-EFGH-..." match. */
export function normaliseClaimCode(code: string): string {
  return code.toUpperCase().replace(/[^0-9A-Z]/g, '');
}

export function claimCodeHash(code: string): string {
  return createHash('sha256').update(normaliseClaimCode(code)).digest('hex');
}
