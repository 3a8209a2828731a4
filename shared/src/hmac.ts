import { asciiBytes, concatBytes, toHex } from './bytes.ts';
import { netstring } from './canonical.ts';
import { SIGNATURE_BYTES } from './constants.ts';

/**
 * The one primitive both platforms provide: node:crypto's createHash('sha256') in the cloud,
 * require("crypto").SHA256 on Espruino (which has no HMAC).
 */
export type Sha256 = (data: Uint8Array) => Uint8Array;

const BLOCK_BYTES = 64;

/** HMAC-SHA256 per RFC 2104, built on the injected SHA-256. */
export function hmacSha256(sha256: Sha256, key: Uint8Array, message: Uint8Array): Uint8Array {
  const blockKey = new Uint8Array(BLOCK_BYTES);
  blockKey.set(key.length > BLOCK_BYTES ? sha256(key) : key, 0);
  const inner = new Uint8Array(BLOCK_BYTES);
  const outer = new Uint8Array(BLOCK_BYTES);
  for (let i = 0; i < BLOCK_BYTES; i++) {
    inner[i] = (blockKey[i] as number) ^ 0x36;
    outer[i] = (blockKey[i] as number) ^ 0x5c;
  }
  const innerHash = sha256(concatBytes(inner, message));
  return sha256(concatBytes(outer, innerHash));
}

/** The signature carried in messages: HMAC-SHA256 truncated to 128 bits (RFC 2104 §5). */
export function signatureOf(sha256: Sha256, key: Uint8Array, canonical: string): Uint8Array {
  return hmacSha256(sha256, key, asciiBytes(canonical)).subarray(0, SIGNATURE_BYTES);
}

/**
 * Key diversification: each button's secret is derived from a master key, its id and the key
 * version, so the cloud keeps no per-device secret table and keys can rotate by version.
 */
export function deriveDeviceKey(
  sha256: Sha256,
  masterKey: Uint8Array,
  deviceId: string,
  keyVersion: number,
): Uint8Array {
  const label = `restock-device-key/1\n${netstring(deviceId)}${netstring(String(keyVersion))}`;
  return hmacSha256(sha256, masterKey, asciiBytes(label));
}

/**
 * The MQTT password a button presents on a plain-TCP broker (a development convenience; TLS
 * client certificates are the production identity). Derived from the device key, so the
 * broker can check it with the same key source and the device key itself never travels.
 */
export function mqttPasswordFor(sha256: Sha256, deviceKey: Uint8Array): string {
  return toHex(
    hmacSha256(sha256, deviceKey, asciiBytes('restock-mqtt-password/1')).subarray(0, 16),
  );
}
