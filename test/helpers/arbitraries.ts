import fc from 'fast-check';
import {
  CLICK_TYPES,
  DEVICE_ID_MAX_LENGTH,
  JOB_ID_MAX_LENGTH,
  MAX_ATTEMPTS,
  MAX_BATTERY_MV,
  MAX_BLOCK_BYTES,
  MAX_IMAGE_BYTES,
  MAX_KEY_VERSION,
  MAX_SEQUENCE,
  MAX_UPDATE_FLAGS,
  MAX_VERSION,
  MIN_BLOCK_BYTES,
  ORDER_ID_MAX_LENGTH,
  OUTCOMES,
  type UnsignedAck,
  type UnsignedManifest,
  type UnsignedPress,
} from '#shared/index';

const ID_CHARS = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_'.split('');

export const identifier = (maxLength: number) =>
  fc.string({ unit: fc.constantFrom(...ID_CHARS), minLength: 1, maxLength });

export const deviceId = identifier(DEVICE_ID_MAX_LENGTH);

export const unsignedPress: fc.Arbitrary<UnsignedPress> = fc.record({
  device: deviceId,
  seq: fc.integer({ min: 1, max: MAX_SEQUENCE }),
  click: fc.constantFrom(...CLICK_TYPES),
  battery_mv: fc.integer({ min: 0, max: MAX_BATTERY_MV }),
  attempt: fc.integer({ min: 1, max: MAX_ATTEMPTS }),
  kv: fc.integer({ min: 1, max: MAX_KEY_VERSION }),
});

export const unsignedAck: fc.Arbitrary<UnsignedAck> = fc.record(
  {
    device: deviceId,
    seq: fc.integer({ min: 1, max: MAX_SEQUENCE }),
    outcome: fc.constantFrom(...OUTCOMES),
    order: identifier(ORDER_ID_MAX_LENGTH),
    kv: fc.integer({ min: 1, max: MAX_KEY_VERSION }),
  },
  { requiredKeys: ['device', 'seq', 'outcome', 'kv'] },
);

/** Contract version 2: a press that says which firmware and settings version sent it. */
export const unsignedPressV2: fc.Arbitrary<UnsignedPress> = fc
  .tuple(
    unsignedPress,
    fc.integer({ min: 1, max: MAX_VERSION }),
    fc.integer({ min: 0, max: MAX_VERSION }),
  )
  .map(([press, fw, cfg]) => ({ ...press, fw, cfg }));

/** Contract version 2: an ack that may say an update or new settings wait. */
export const unsignedAckV2: fc.Arbitrary<UnsignedAck> = fc
  .tuple(unsignedAck, fc.option(fc.integer({ min: 1, max: MAX_UPDATE_FLAGS }), { nil: undefined }))
  .map(([ack, upd]) => (upd === undefined ? { ...ack, v: 2 } : { ...ack, v: 2, upd }));

export const unsignedManifest: fc.Arbitrary<UnsignedManifest> = fc.record({
  device: deviceId,
  job: identifier(JOB_ID_MAX_LENGTH),
  fw: fc.integer({ min: 1, max: MAX_VERSION }),
  size: fc.integer({ min: 1, max: MAX_IMAGE_BYTES }),
  sha256: fc
    .uint8Array({ minLength: 32, maxLength: 32 })
    .map((b) => Buffer.from(b).toString('hex')),
  stream: identifier(JOB_ID_MAX_LENGTH),
  block: fc.integer({ min: MIN_BLOCK_BYTES, max: MAX_BLOCK_BYTES }),
  kv: fc.integer({ min: 1, max: MAX_KEY_VERSION }),
});

export const key = fc.uint8Array({ minLength: 16, maxLength: 64 });

/** Order times starting at `start`, separated by `gaps` (the shape the rhythm estimator reads). */
export function timesFrom(start: number, gaps: readonly number[]): number[] {
  const times = [start];
  for (const gap of gaps) times.push((times[times.length - 1] as number) + gap);
  return times;
}
