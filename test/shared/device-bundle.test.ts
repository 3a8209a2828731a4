/**
 * The contract as the device runs it: shared/ bundled alone by esbuild for Espruino, checked by
 * the gate, and executed in a vm context whose only crypto is a bare SHA-256 (no HMAC in reach).
 */
import { createHash } from 'node:crypto';
import vm from 'node:vm';
import { build } from 'esbuild';
import { beforeAll, describe, expect, it } from 'vitest';
import { findEspruinoViolations } from '../../device/scripts/espruino-gate.ts';
import golden from './vectors/golden.json' with { type: 'json' };

interface DeviceContract {
  sign(deviceKeyHex: string, fields: unknown): string;
  derive(masterHex: string, device: string, kv: number): string;
  signAck(deviceKeyHex: string, fields: unknown): string;
  verifyAckJson(deviceKeyHex: string, json: string): boolean;
  verifyManifestJson(deviceKeyHex: string, json: string): boolean;
}

// Mirrors how firmware reaches the contract: Espruino's crypto.SHA256 returns an ArrayBuffer.
const ENTRY = `
  import { decodeAck, decodeManifest, deriveDeviceKey, encodeAck, encodePress, fromHex, signAck, signPress, toHex, verifyAck, verifyManifest } from './shared/src/index.ts';
  const sha256 = (data) => new Uint8Array(SHA256(data));
  globalThis.contract = {
    sign: (keyHex, fields) => encodePress(signPress(sha256, fromHex(keyHex), fields)),
    derive: (masterHex, device, kv) => toHex(deriveDeviceKey(sha256, fromHex(masterHex), device, kv)),
    signAck: (keyHex, fields) => encodeAck(signAck(sha256, fromHex(keyHex), fields)),
    verifyAckJson: (keyHex, json) => {
      const decoded = decodeAck(json);
      return decoded.ok && verifyAck(sha256, fromHex(keyHex), decoded.message);
    },
    verifyManifestJson: (keyHex, json) => {
      const decoded = decodeManifest(json);
      return decoded.ok && verifyManifest(sha256, fromHex(keyHex), decoded.message);
    },
  };
`;

let bundle = '';
let contract: DeviceContract;

beforeAll(async () => {
  const result = await build({
    stdin: { contents: ENTRY, resolveDir: process.cwd(), loader: 'ts' },
    bundle: true,
    write: false,
    minify: true,
    format: 'iife',
    target: 'es2018',
    tsconfigRaw: { compilerOptions: { useDefineForClassFields: false } },
  });
  bundle = result.outputFiles[0]?.text ?? '';
  const SHA256 = (data: Uint8Array) => {
    const digest = createHash('sha256').update(data).digest();
    return digest.buffer.slice(digest.byteOffset, digest.byteOffset + digest.length);
  };
  const sandbox: Record<string, unknown> = { SHA256 };
  sandbox.globalThis = sandbox;
  vm.runInNewContext(bundle, sandbox);
  contract = sandbox.contract as DeviceContract;
});

describe('device-side contract bundle', () => {
  it('passes the Espruino gate', () => {
    expect(bundle.length).toBeGreaterThan(500);
    expect(findEspruinoViolations(bundle)).toEqual([]);
  });

  it('has no node:crypto or Buffer in reach', () => {
    expect(bundle).not.toMatch(/require\(|createHmac|Buffer/);
  });

  it.each(golden.presses)('reproduces the golden press $fields.device/$fields.seq', (vector) => {
    expect(contract.derive(golden.masterKeyHex, vector.fields.device, vector.fields.kv)).toBe(
      vector.deviceKeyHex,
    );
    expect(contract.sign(vector.deviceKeyHex, vector.fields)).toBe(vector.json);
  });

  it.each(golden.acks)(
    'reproduces and verifies the golden ack $fields.device/$fields.seq',
    (vector) => {
      expect(contract.signAck(vector.deviceKeyHex, vector.fields)).toBe(vector.json);
      expect(contract.verifyAckJson(vector.deviceKeyHex, vector.json)).toBe(true);
      const forged = vector.json.replace(
        vector.sig,
        vector.sig.replace(/^./, (c) => (c === '0' ? '1' : '0')),
      );
      expect(contract.verifyAckJson(vector.deviceKeyHex, forged)).toBe(false);
    },
  );

  it.each(golden.manifests)(
    'verifies the golden manifest $fields.job and refuses a changed one',
    (vector) => {
      expect(contract.verifyManifestJson(vector.deviceKeyHex, vector.json)).toBe(true);
      const other = vector.json.replace(
        `"size":${vector.fields.size}`,
        `"size":${vector.fields.size + 1}`,
      );
      expect(contract.verifyManifestJson(vector.deviceKeyHex, other)).toBe(false);
    },
  );
});
