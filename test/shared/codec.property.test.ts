import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  ACK_SCHEMA,
  decodeAck,
  decodePress,
  encodeAck,
  encodePress,
  MAX_MESSAGE_BYTES,
  PRESS_SCHEMA,
  signAck,
  signPress,
  verifyAck,
  verifyPress,
} from '#shared/index';
import { key, unsignedAck, unsignedPress } from '../helpers/arbitraries.ts';
import { nodeSha256 as sha256 } from '../helpers/sha256.ts';

const RUNS = { numRuns: 500 };

describe('press and ack codecs', () => {
  it('decode(encode(press)) equals the press, within the size limit', () => {
    fc.assert(
      fc.property(key, unsignedPress, (k, fields) => {
        const press = signPress(sha256, k, fields);
        const wire = encodePress(press);
        expect(wire.length).toBeLessThanOrEqual(MAX_MESSAGE_BYTES);
        expect(decodePress(wire)).toEqual({ ok: true, message: press });
      }),
      RUNS,
    );
  });

  it('decode(encode(ack)) equals the ack, within the size limit', () => {
    fc.assert(
      fc.property(key, unsignedAck, (k, fields) => {
        const ack = signAck(sha256, k, fields);
        const wire = encodeAck(ack);
        expect(wire.length).toBeLessThanOrEqual(MAX_MESSAGE_BYTES);
        expect(decodeAck(wire)).toEqual({ ok: true, message: ack });
      }),
      RUNS,
    );
  });
});

describe('tampering is detected', () => {
  it('changing any single press field makes verification fail', () => {
    const fields = Object.keys(PRESS_SCHEMA).filter((f) => f !== 'sig' && f !== 'v');
    fc.assert(
      fc.property(key, unsignedPress, unsignedPress, fc.constantFrom(...fields), (k, a, b, f) => {
        const field = f as keyof typeof a;
        fc.pre(a[field] !== b[field]);
        const press = signPress(sha256, k, a);
        expect(verifyPress(sha256, k, { ...press, [field]: b[field] })).toBe(false);
      }),
      RUNS,
    );
  });

  it('changing any single ack field (or dropping the order id) makes verification fail', () => {
    const fields = Object.keys(ACK_SCHEMA).filter((f) => f !== 'sig' && f !== 'v');
    fc.assert(
      fc.property(key, unsignedAck, unsignedAck, fc.constantFrom(...fields), (k, a, b, f) => {
        const field = f as keyof typeof a;
        fc.pre(a[field] !== b[field]);
        const ack = signAck(sha256, k, a);
        const forged = { ...ack, [field]: b[field] };
        if (b[field] === undefined) delete forged[field];
        expect(verifyAck(sha256, k, forged)).toBe(false);
      }),
      RUNS,
    );
  });

  it('changing any single byte of a signed press is refused by decode or verification', () => {
    fc.assert(
      fc.property(
        key,
        unsignedPress,
        fc.nat(),
        fc.integer({ min: 1, max: 255 }),
        (k, fields, at, flip) => {
          const wire = encodePress(signPress(sha256, k, fields));
          const i = at % wire.length;
          const mutated =
            wire.slice(0, i) + String.fromCharCode(wire.charCodeAt(i) ^ flip) + wire.slice(i + 1);
          const decoded = decodePress(mutated);
          if (decoded.ok) expect(verifyPress(sha256, k, decoded.message)).toBe(false);
        },
      ),
      RUNS,
    );
  });

  it('a signature made with another key never verifies', () => {
    fc.assert(
      fc.property(key, key, unsignedPress, (k1, k2, fields) => {
        fc.pre(Buffer.compare(Buffer.from(k1), Buffer.from(k2)) !== 0);
        expect(verifyPress(sha256, k2, signPress(sha256, k1, fields))).toBe(false);
      }),
      RUNS,
    );
  });
});

describe('decode never throws on hostile input', () => {
  const decoders = [decodePress, decodeAck];
  const hostile = fc.oneof(
    fc.uint8Array({ maxLength: 300 }).map((b) => Buffer.from(b).toString('latin1')),
    fc.string({ maxLength: 300 }),
    fc.json({ maxDepth: 4 }),
    fc.anything().map((v) => JSON.stringify(v) ?? 'undefined'),
    fc
      .record({ v: fc.anything(), device: fc.anything(), seq: fc.anything(), sig: fc.anything() })
      .map((v) => JSON.stringify(v)),
  );

  it('returns a typed rejection or a valid message for any input of up to a few hundred bytes', () => {
    fc.assert(
      fc.property(hostile, fc.constantFrom(...decoders), (input, decode) => {
        const result = decode(input);
        if (!result.ok) expect(typeof result.reason).toBe('string');
      }),
      { numRuns: 3000 },
    );
  });

  it('refuses non-string input without throwing', () => {
    fc.assert(
      fc.property(fc.anything(), (input) => {
        fc.pre(typeof input !== 'string');
        expect(decodePress(input)).toEqual({ ok: false, reason: 'MALFORMED' });
      }),
    );
  });
});
