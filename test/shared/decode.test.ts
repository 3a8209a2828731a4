import { describe, expect, it } from 'vitest';
import { decodeAck, decodePress, encodePress, signPress } from '#shared/index';
import { nodeSha256 } from '../helpers/sha256.ts';

const key = new Uint8Array(32).fill(7);
const valid = signPress(nodeSha256, key, {
  device: 'btn-1',
  seq: 9,
  click: 'SINGLE',
  battery_mv: 2900,
  attempt: 1,
  kv: 1,
});
const withField = (patch: Record<string, unknown>) => JSON.stringify({ ...valid, ...patch });
const without = (field: string) => {
  const copy: Record<string, unknown> = { ...valid };
  delete copy[field];
  return JSON.stringify(copy);
};

describe('decodePress names why it refuses', () => {
  it.each([
    ['not JSON', '{"v":1,', 'MALFORMED', undefined],
    ['a JSON array', '[1,2]', 'MALFORMED', undefined],
    ['JSON null', 'null', 'MALFORMED', undefined],
    ['over 256 bytes', `{"v":1,"pad":"${'x'.repeat(300)}"}`, 'OVERSIZED', undefined],
    ['a future version', withField({ v: 3 }), 'UNKNOWN_VERSION', 'v'],
    ['a version given as text', withField({ v: '1' }), 'BAD_TYPE', 'v'],
    ['no version', without('v'), 'MISSING_FIELD', 'v'],
    ['no sequence number', without('seq'), 'MISSING_FIELD', 'seq'],
    ['a fractional sequence number', withField({ seq: 1.5 }), 'BAD_TYPE', 'seq'],
    ['a negative battery reading', withField({ battery_mv: -1 }), 'BAD_TYPE', 'battery_mv'],
    ['a huge sequence number', withField({ seq: 1e300 }), 'BAD_TYPE', 'seq'],
    ['an unknown click type', withField({ click: 'TRIPLE' }), 'BAD_TYPE', 'click'],
    ['a slash in the device id', withField({ device: 'a/b' }), 'BAD_TYPE', 'device'],
    [
      'uppercase hex in the signature',
      withField({ sig: valid.sig.toUpperCase() }),
      'BAD_TYPE',
      'sig',
    ],
    ['an extra field', withField({ extra: 1 }), 'UNKNOWN_FIELD', 'extra'],
    [
      'a __proto__ field',
      encodePress(valid).replace('{', '{"__proto__":{"x":1},'),
      'UNKNOWN_FIELD',
      '__proto__',
    ],
  ])('refuses %s', (_name, raw, reason, field) => {
    const result = decodePress(raw);
    expect(result).toMatchObject({ ok: false, reason });
    if (field) expect(result).toMatchObject({ field });
  });

  it('accepts the valid press', () => {
    expect(decodePress(encodePress(valid))).toEqual({ ok: true, message: valid });
  });

  it('accepts an ack without an order id and refuses one with an empty order id', () => {
    const ack = { v: 1, device: 'btn-1', seq: 9, outcome: 'IN_PROGRESS', kv: 1, sig: valid.sig };
    expect(decodeAck(JSON.stringify(ack)).ok).toBe(true);
    expect(decodeAck(JSON.stringify({ ...ack, order: '' }))).toMatchObject({
      ok: false,
      reason: 'BAD_TYPE',
      field: 'order',
    });
  });
});
