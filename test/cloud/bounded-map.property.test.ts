import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { BoundedMap } from '../../cloud/core/bounded-map.ts';

describe('BoundedMap', () => {
  it('never holds more than its capacity, and holds the keys set most recently', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 8 }),
        fc.array(fc.integer({ min: 0, max: 20 }), { maxLength: 200 }),
        (capacity, keys) => {
          const map = new BoundedMap<number, number>(capacity);
          for (const [i, key] of keys.entries()) map.set(key, i);
          expect(map.size).toBeLessThanOrEqual(capacity);
          // The newest `capacity` distinct keys, each with the value of its last set.
          const newest = new Map<number, number>();
          for (let i = keys.length - 1; i >= 0 && newest.size < capacity; i--) {
            const key = keys[i] as number;
            if (!newest.has(key)) newest.set(key, i);
          }
          expect(map.size).toBe(newest.size);
          for (const [key, value] of newest) expect(map.get(key)).toBe(value);
        },
      ),
    );
  });

  it('keeps a full working set when its keys are set again (a press per button, round after round)', () => {
    const buttons = Array.from({ length: 100 }, (_, i) => `button-${i}`);
    const map = new BoundedMap<string, number>(buttons.length);
    let misses = 0;
    for (let round = 0; round < 3; round++) {
      for (const button of buttons) {
        // As a cache is used: look up, then remember what the store said.
        if (round > 0 && map.get(button) === undefined) misses++;
        map.set(button, round);
      }
    }
    expect(misses).toBe(0);
    expect(map.size).toBe(buttons.length);
  });

  it('forgets a deleted key at once', () => {
    const map = new BoundedMap<string, number>(4);
    map.set('a', 1);
    expect(map.delete('a')).toBe(true);
    expect(map.get('a')).toBeUndefined();
    expect(map.size).toBe(0);
  });
});
