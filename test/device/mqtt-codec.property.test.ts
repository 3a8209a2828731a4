import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  decodeRemainingLength,
  encodeRemainingLength,
  MAX_REMAINING_LENGTH,
  packet,
} from '../../device/src/mqtt/codec.ts';
import { FrameParser } from '../../device/src/mqtt/parser.ts';

const byteString = (max: number) =>
  fc
    .array(fc.integer({ min: 0, max: 255 }), { maxLength: max })
    .map((b) => String.fromCharCode(...b));

/** The spec's size table (MQTT 3.1.1 §2.2.3). */
const expectedSize = (n: number) => (n < 128 ? 1 : n < 16384 ? 2 : n < 2097152 ? 3 : 4);

describe('remaining-length codec', () => {
  it('round-trips every length with the size the spec prescribes', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: MAX_REMAINING_LENGTH }), (n) => {
        const encoded = encodeRemainingLength(n);
        expect(encoded.length).toBe(expectedSize(n));
        expect(decodeRemainingLength(`x${encoded}rest`, 1)).toEqual({
          value: n,
          size: encoded.length,
        });
      }),
    );
  });

  it('asks for more bytes while the field is incomplete', () => {
    fc.assert(
      fc.property(fc.integer({ min: 128, max: MAX_REMAINING_LENGTH }), (n) => {
        const encoded = encodeRemainingLength(n);
        for (let cut = 0; cut < encoded.length; cut++) {
          expect(decodeRemainingLength(encoded.slice(0, cut), 0)).toBeNull();
        }
      }),
    );
  });

  it('rejects a fifth continuation byte and out-of-range lengths', () => {
    expect(decodeRemainingLength('\xff\xff\xff\xff\x01', 0)).toEqual({ value: -1, size: 4 });
    expect(() => encodeRemainingLength(MAX_REMAINING_LENGTH + 1)).toThrow();
    expect(() => encodeRemainingLength(-1)).toThrow();
  });
});

describe('frame parser', () => {
  const frame = fc.record({
    type: fc.integer({ min: 1, max: 14 }),
    flags: fc.integer({ min: 0, max: 15 }),
    body: byteString(300),
  });

  it('yields the same frames however the stream is cut into reads', () => {
    fc.assert(
      fc.property(
        fc.array(frame, { minLength: 1, maxLength: 8 }),
        fc.array(fc.integer({ min: 1, max: 50 }), { minLength: 1, maxLength: 40 }),
        (frames, cuts) => {
          const stream = frames.map((f) => packet(f.type, f.flags, f.body)).join('');
          const parser = new FrameParser(4096);
          const got = [];
          let at = 0;
          let i = 0;
          while (at < stream.length) {
            const size = cuts[i++ % cuts.length] as number;
            got.push(...parser.push(stream.slice(at, at + size)));
            at += size;
          }
          expect(got).toEqual(frames);
          expect(parser.buffer).toBe('');
        },
      ),
    );
  });

  it('refuses a frame larger than its limit instead of buffering it', () => {
    const parser = new FrameParser(100);
    expect(() => parser.push(packet(3, 0, 'x'.repeat(101)).slice(0, 3))).toThrow('frame too large');
  });
});
