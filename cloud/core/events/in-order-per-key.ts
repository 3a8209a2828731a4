/**
 * Runs `each` for every item, the items of one key one after the other in their order, the keys
 * side by side. An event consumer whose record is per device, order or household keeps each
 * record's changes in order, while a batch of many costs the round trips of its longest key,
 * not of all its events.
 */
export async function inOrderPerKey<T>(
  items: readonly T[],
  keyOf: (item: T) => string,
  each: (item: T, index: number) => Promise<void>,
): Promise<void> {
  const byKey = new Map<string, T[]>();
  for (const item of items) {
    const key = keyOf(item);
    const mine = byKey.get(key);
    if (mine) mine.push(item);
    else byKey.set(key, [item]);
  }
  await Promise.all(
    [...byKey.values()].map(async (mine) => {
      for (let i = 0; i < mine.length; i++) await each(mine[i] as T, i);
    }),
  );
}
