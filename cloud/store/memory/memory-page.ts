/** Cursor paging over an in-memory, already sorted list (the fakes' stand-in for Query). */
import type { Page, PageRequest } from '../../core/page.ts';
import { decodeKeyCursor, encodeCursor } from '../page-cursor.ts';

export function pageOf<T>(
  partition: string,
  sorted: T[],
  sortKey: (item: T) => string,
  page: PageRequest,
  descending = false,
): Page<T> {
  const after = decodeKeyCursor(page.cursor, { p: partition })?.k;
  const ordered = descending ? [...sorted].reverse() : sorted;
  const rest =
    after === undefined
      ? ordered
      : ordered.filter((item) => (descending ? sortKey(item) < after : sortKey(item) > after));
  const items = rest.slice(0, page.limit);
  const last = items.at(-1);
  return {
    items: structuredClone(items),
    cursor:
      rest.length > page.limit && last
        ? encodeCursor({ p: partition, k: sortKey(last) })
        : undefined,
  };
}

export function byKey<T>(sortKey: (item: T) => string) {
  return (a: T, b: T) => (sortKey(a) < sortKey(b) ? -1 : sortKey(a) > sortKey(b) ? 1 : 0);
}
