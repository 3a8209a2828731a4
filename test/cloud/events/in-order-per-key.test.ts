/**
 * Event consumers work a batch key by key: one key's items strictly in their order, different
 * keys at the same time, so a batch costs the round trips of its longest key.
 */
import { expect, it } from 'vitest';
import { inOrderPerKey } from '../../../cloud/core/events/in-order-per-key.ts';

it('keeps each key’s items in order and works the keys side by side', async () => {
  const items = ['a1', 'b1', 'a2', 'c1', 'a3', 'b2'];
  const started: string[] = [];
  const finished: string[] = [];
  const release: (() => void)[] = [];
  const done = inOrderPerKey(
    items,
    (item) => item.slice(0, 1),
    async (item, index) => {
      started.push(`${item}#${index}`);
      await new Promise<void>((resolve) => release.push(resolve));
      finished.push(item);
    },
  );
  await new Promise((resolve) => setImmediate(resolve));
  // The first item of every key is under way before any has finished.
  expect(started).toEqual(['a1#0', 'b1#0', 'c1#0']);
  while (finished.length < items.length) {
    release.shift()?.();
    await new Promise((resolve) => setImmediate(resolve));
  }
  await done;
  expect(started).toEqual(['a1#0', 'b1#0', 'c1#0', 'a2#1', 'b2#1', 'a3#2']);
  expect(finished.filter((item) => item.startsWith('a'))).toEqual(['a1', 'a2', 'a3']);
});

it('fails when one item fails, after starting the other keys', async () => {
  const seen: string[] = [];
  const run = inOrderPerKey(
    ['x', 'y'],
    (item) => item,
    async (item) => {
      seen.push(item);
      if (item === 'x') throw new Error('store down');
    },
  );
  await expect(run).rejects.toThrow('store down');
  expect(seen).toEqual(['x', 'y']);
});
