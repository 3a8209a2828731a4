import fc from 'fast-check';
import {
  CLICK_TYPES,
  DEVICE_ID_MAX_LENGTH,
  MAX_ATTEMPTS,
  MAX_BATTERY_MV,
  MAX_KEY_VERSION,
  MAX_SEQUENCE,
  ORDER_ID_MAX_LENGTH,
  OUTCOMES,
  type UnsignedAck,
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

export const key = fc.uint8Array({ minLength: 16, maxLength: 64 });

/** Order times starting at `start`, separated by `gaps` (the shape the rhythm estimator reads). */
export function timesFrom(start: number, gaps: readonly number[]): number[] {
  const times = [start];
  for (const gap of gaps) times.push((times[times.length - 1] as number) + gap);
  return times;
}
