import type { Page, PageRequest } from '../page.ts';

/** Follows cursors to the end (export and erasure need everything; request paths do not use this). */
export async function collectAll<T>(
  list: (page: PageRequest) => Promise<Page<T>>,
  pageSize = 100,
): Promise<T[]> {
  const all: T[] = [];
  let cursor: string | undefined;
  do {
    const page = await list({ limit: pageSize, cursor });
    all.push(...page.items);
    cursor = page.cursor;
  } while (cursor);
  return all;
}
