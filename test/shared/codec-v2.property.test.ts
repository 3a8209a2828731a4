/**
 * Contract version 2: press `fw`/`cfg`, ack `upd`, and the signed update manifest. Version 1
 * messages keep their exact bytes and signatures (codec.property.test.ts and the golden
 * vectors); these properties cover what version 2 adds.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  decodeAck,
  decodeManifest,
  decodePress,
  encodeAck,
  encodeManifest,
  encodePress,
  MANIFEST_SCHEMA,
  MAX_MANIFEST_BYTES,
  MAX_MESSAGE_BYTES,
  signAck,
  signManifest,
  signPress,
  verifyAck,
  verifyManifest,
  verifyPress,
} from '#shared/index';
import {
  key,
  unsignedAck,
  unsignedAckV2,
  unsignedManifest,
  unsignedPress,
  unsignedPressV2,
} from '../helpers/arbitraries.ts';
import { nodeSha256 as sha256 } from '../helpers/sha256.ts';

const RUNS = { numRuns: 300 };

describe('version 2 codecs', () => {
  it('decode(encode(press v2)) equals the press, under 256 bytes', () => {
    fc.assert(
      fc.property(key, unsignedPressV2, (k, fields) => {
        const press = signPress(sha256, k, fields);
        expect(press.v).toBe(2);
        const wire = encodePress(press);
        expect(wire.length).toBeLessThan(MAX_MESSAGE_BYTES);
        expect(decodePress(wire)).toEqual({ ok: true, message: press });
      }),
      RUNS,
    );
  });

  it('decode(encode(ack v2)) equals the ack, under 256 bytes', () => {
    fc.assert(
      fc.property(key, unsignedAckV2, (k, fields) => {
        const ack = signAck(sha256, k, fields);
        expect(ack.v).toBe(2);
        const wire = encodeAck(ack);
        expect(wire.length).toBeLessThan(MAX_MESSAGE_BYTES);
        expect(decodeAck(wire)).toEqual({ ok: true, message: ack });
      }),
      RUNS,
    );
  });

  it('decode(encode(manifest)) equals the manifest, within its size limit', () => {
    fc.assert(
      fc.property(key, unsignedManifest, (k, fields) => {
        const manifest = signManifest(sha256, k, fields);
        const wire = encodeManifest(manifest);
        expect(wire.length).toBeLessThanOrEqual(MAX_MANIFEST_BYTES);
        expect(decodeManifest(wire)).toEqual({ ok: true, message: manifest });
      }),
      RUNS,
    );
  });

  it('an old button is answered in version 1, without `upd`, whatever waits for it', () => {
    fc.assert(
      fc.property(key, unsignedAckV2, (k, fields) => {
        const { v: _v2, ...v1 } = fields;
        const ack = signAck(sha256, k, v1);
        expect(ack.v).toBe(1);
        expect(encodeAck(ack)).not.toContain('"upd"');
        expect(decodeAck(encodeAck(ack)).ok).toBe(true);
      }),
      RUNS,
    );
  });
});

describe('version 2 tampering is detected', () => {
  it('changing fw or cfg of a signed press makes verification fail', () => {
    fc.assert(
      fc.property(
        key,
        unsignedPressV2,
        fc.constantFrom('fw', 'cfg'),
        fc.integer({ min: 1, max: 1000 }),
        (k, fields, field, delta) => {
          const press = signPress(sha256, k, fields);
          const forged = { ...press, [field]: (press[field] as number) + delta };
          expect(verifyPress(sha256, k, forged)).toBe(false);
        },
      ),
      RUNS,
    );
  });

  it('adding, dropping or changing `upd` on a signed ack makes verification fail', () => {
    fc.assert(
      fc.property(key, unsignedAckV2, fc.constantFrom(undefined, 1, 2, 3), (k, fields, upd) => {
        fc.pre(fields.upd !== upd);
        const ack = signAck(sha256, k, fields);
        const forged = { ...ack, upd };
        if (upd === undefined) delete forged.upd;
        expect(verifyAck(sha256, k, forged)).toBe(false);
      }),
      RUNS,
    );
  });

  it('a version 1 signature never passes for the same fields as version 2 (no downgrade)', () => {
    fc.assert(
      fc.property(key, unsignedPress, unsignedAck, (k, p, a) => {
        const press = signPress(sha256, k, p);
        expect(verifyPress(sha256, k, { ...press, v: 2, fw: 1, cfg: 0 })).toBe(false);
        const ack = signAck(sha256, k, a);
        expect(verifyAck(sha256, k, { ...ack, v: 2 })).toBe(false);
      }),
      RUNS,
    );
  });

  it('changing any single manifest field makes verification fail', () => {
    const fields = Object.keys(MANIFEST_SCHEMA).filter((f) => f !== 'sig' && f !== 'v');
    fc.assert(
      fc.property(
        key,
        unsignedManifest,
        unsignedManifest,
        fc.constantFrom(...fields),
        (k, a, b, f) => {
          const field = f as keyof typeof a;
          fc.pre(a[field] !== b[field]);
          const manifest = signManifest(sha256, k, a);
          expect(verifyManifest(sha256, k, { ...manifest, [field]: b[field] })).toBe(false);
        },
      ),
      RUNS,
    );
  });

  it('a press or ack signature never passes as a manifest signature', () => {
    fc.assert(
      fc.property(key, unsignedManifest, unsignedPressV2, (k, m, p) => {
        const manifest = signManifest(sha256, k, m);
        const press = signPress(sha256, k, p);
        expect(verifyManifest(sha256, k, { ...manifest, sig: press.sig })).toBe(false);
      }),
      RUNS,
    );
  });
});

describe('version 2 decoding refuses what does not belong', () => {
  it('a v1 press carrying fw, or a v2 press without it, is refused with a reason', () => {
    fc.assert(
      fc.property(key, unsignedPressV2, (k, fields) => {
        const v2 = JSON.parse(encodePress(signPress(sha256, k, fields)));
        expect(decodePress(JSON.stringify({ ...v2, v: 1 }))).toMatchObject({
          ok: false,
          reason: 'UNKNOWN_FIELD',
        });
        const { fw: _fw, ...missing } = v2;
        expect(decodePress(JSON.stringify(missing))).toMatchObject({
          ok: false,
          reason: 'MISSING_FIELD',
          field: 'fw',
        });
      }),
      RUNS,
    );
  });

  it('a version 3 message is UNKNOWN_VERSION, and upd 0 or 4 is BAD_TYPE', () => {
    const ack = encodeAck(
      signAck(sha256, new Uint8Array(16), { v: 2, device: 'b', seq: 1, outcome: 'ORDERED', kv: 1 }),
    );
    const parsed = JSON.parse(ack);
    expect(decodeAck(JSON.stringify({ ...parsed, v: 3 }))).toMatchObject({
      reason: 'UNKNOWN_VERSION',
    });
    expect(decodeAck(JSON.stringify({ ...parsed, upd: 0 }))).toMatchObject({
      reason: 'BAD_TYPE',
      field: 'upd',
    });
    expect(decodeAck(JSON.stringify({ ...parsed, upd: 4 }))).toMatchObject({
      reason: 'BAD_TYPE',
      field: 'upd',
    });
  });
});
