/**
 * Byte helpers that work the same on Node and Espruino (no TextEncoder, no Buffer).
 * Signed strings are ASCII by construction: the schema only admits ASCII values.
 */

const HEX = '0123456789abcdef';

/** Latin-1 bytes of a string; callers only pass ASCII, which the schema guarantees. */
export function asciiBytes(text: string): Uint8Array {
  const out = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) out[i] = text.charCodeAt(i) & 0xff;
  return out;
}

export function isAscii(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    if (text.charCodeAt(i) > 0x7e || text.charCodeAt(i) < 0x20) return false;
  }
  return true;
}

export function toHex(bytes: Uint8Array): string {
  let out = '';
  for (let i = 0; i < bytes.length; i++) {
    const b = bytes[i] as number;
    out += HEX.charAt(b >> 4) + HEX.charAt(b & 15);
  }
  return out;
}

/** Returns null unless the text is an even-length run of lowercase hex digits. */
export function fromHex(text: string): Uint8Array | null {
  if (text.length % 2 !== 0) return null;
  const out = new Uint8Array(text.length / 2);
  for (let i = 0; i < out.length; i++) {
    const hi = HEX.indexOf(text.charAt(2 * i));
    const lo = HEX.indexOf(text.charAt(2 * i + 1));
    if (hi < 0 || lo < 0) return null;
    out[i] = (hi << 4) | lo;
  }
  return out;
}

export function concatBytes(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length + b.length);
  out.set(a, 0);
  out.set(b, a.length);
  return out;
}

/**
 * Compares two strings in time that depends only on their lengths, so an attacker learns
 * nothing from how fast a forged signature is refused.
 */
export function constantTimeEqual(a: string, b: string): boolean {
  let diff = a.length ^ b.length;
  const n = Math.max(a.length, b.length);
  for (let i = 0; i < n; i++) {
    diff |= (i < a.length ? a.charCodeAt(i) : 0) ^ (i < b.length ? b.charCodeAt(i) : 0);
  }
  return diff === 0;
}
