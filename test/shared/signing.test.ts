import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  asciiBytes,
  canonicalAck,
  canonicalManifest,
  canonicalPress,
  deriveDeviceKey,
  encodeAck,
  encodeManifest,
  encodePress,
  fromHex,
  hmacSha256,
  mqttPasswordFor,
  signAck,
  signManifest,
  signPress,
  toHex,
  verifyAck,
  verifyManifest,
  verifyPress,
} from '#shared/index';
import { nodeSha256 } from '../helpers/sha256.ts';
import golden from './vectors/golden.json' with { type: 'json' };

const bytes = (hex: string) => fromHex(hex) as Uint8Array;
const repeat = (byte: number, n: number) => new Uint8Array(n).fill(byte);

// RFC 4231 §4.2–4.5, HMAC-SHA-256 outputs.
const RFC4231 = [
  {
    name: 'test case 1',
    key: repeat(0x0b, 20),
    data: asciiBytes('Hi There'),
    mac: 'b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7',
  },
  {
    name: 'test case 2',
    key: asciiBytes('Jefe'),
    data: asciiBytes('what do ya want for nothing?'),
    mac: '5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843',
  },
  {
    name: 'test case 3',
    key: repeat(0xaa, 20),
    data: repeat(0xdd, 50),
    mac: '773ea91e36800e46854db8ebd09181a72959098b3ef8c122d9635514ced565fe',
  },
  {
    name: 'test case 4',
    key: bytes('0102030405060708090a0b0c0d0e0f10111213141516171819'),
    data: repeat(0xcd, 50),
    mac: '82558a389a443c0ea4cc819899f2083a85f0faa3e578f8077a2e3ff46729665b',
  },
];

describe('HMAC-SHA256 on an injected SHA-256', () => {
  it.each(RFC4231)('reproduces RFC 4231 $name', ({ key, data, mac }) => {
    expect(toHex(hmacSha256(nodeSha256, key, data))).toBe(mac);
  });

  it('hashes keys longer than one block first, as RFC 2104 requires', () => {
    const key = repeat(0xaa, 131);
    const data = asciiBytes('Test Using Larger Than Block-Size Key - Hash Key First');
    const expected = createHmac('sha256', key).update(data).digest('hex');
    expect(toHex(hmacSha256(nodeSha256, key, data))).toBe(expected);
  });
});

describe('golden vectors (computed independently with node:crypto createHmac)', () => {
  const master = bytes(golden.masterKeyHex);

  it.each(golden.presses)('press $fields.device/$fields.seq', (vector) => {
    const key = deriveDeviceKey(nodeSha256, master, vector.fields.device, vector.fields.kv);
    expect(toHex(key)).toBe(vector.deviceKeyHex);
    const press = signPress(nodeSha256, key, vector.fields as never);
    expect(canonicalPress(press)).toBe(vector.canonical);
    expect(press.sig).toBe(vector.sig);
    expect(encodePress(press)).toBe(vector.json);
    expect(verifyPress(nodeSha256, key, press)).toBe(true);
  });

  it.each(golden.acks)('ack $fields.device/$fields.seq $fields.outcome', (vector) => {
    const key = deriveDeviceKey(nodeSha256, master, vector.fields.device, vector.fields.kv);
    const ack = signAck(nodeSha256, key, vector.fields as never);
    expect(canonicalAck(ack)).toBe(vector.canonical);
    expect(ack.sig).toBe(vector.sig);
    expect(encodeAck(ack)).toBe(vector.json);
    expect(verifyAck(nodeSha256, key, ack)).toBe(true);
  });

  it.each(golden.manifests)('manifest $fields.device/$fields.job', (vector) => {
    const key = deriveDeviceKey(nodeSha256, master, vector.fields.device, vector.fields.kv);
    const manifest = signManifest(nodeSha256, key, vector.fields);
    expect(canonicalManifest(manifest)).toBe(vector.canonical);
    expect(manifest.sig).toBe(vector.sig);
    expect(encodeManifest(manifest)).toBe(vector.json);
    expect(verifyManifest(nodeSha256, key, manifest)).toBe(true);
  });

  it('gives every device and key version its own key', () => {
    const a = deriveDeviceKey(nodeSha256, master, 'btn-1', 1);
    expect(toHex(deriveDeviceKey(nodeSha256, master, 'btn-2', 1))).not.toBe(toHex(a));
    expect(toHex(deriveDeviceKey(nodeSha256, master, 'btn-1', 2))).not.toBe(toHex(a));
  });

  it('never lets a press signature pass as an ack signature', () => {
    const key = bytes(golden.presses[0]?.deviceKeyHex as string);
    const press = signPress(nodeSha256, key, {
      device: 'btn-1',
      seq: 5,
      click: 'SINGLE',
      battery_mv: 1,
      attempt: 1,
      kv: 1,
    });
    const ack = signAck(nodeSha256, key, { device: 'btn-1', seq: 5, outcome: 'ORDERED', kv: 1 });
    expect(verifyAck(nodeSha256, key, { ...ack, sig: press.sig })).toBe(false);
  });
});

describe('MQTT password for plain-TCP development brokers', () => {
  it('is derived from the device key and matches an independent HMAC', () => {
    const key = bytes(golden.presses[0]?.deviceKeyHex as string);
    const expected = createHmac('sha256', key)
      .update('restock-mqtt-password/1')
      .digest()
      .subarray(0, 16)
      .toString('hex');
    expect(mqttPasswordFor(nodeSha256, key)).toBe(expected);
  });
});
