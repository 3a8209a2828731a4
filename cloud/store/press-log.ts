/**
 * A button's press log merges two sort-key ranges of its partition — press/order records (by
 * sequence number) and rejections (by time) — newest first, with one cursor for both.
 */
import type { PressLogEntry } from '../core/model.ts';
import type { Page, PageRequest } from '../core/page.ts';
import { decodeCursor, encodeCursor } from './page-cursor.ts';

export type LogRange = 'PRESS#' | 'REJ#';

/** The last sort key returned from each range; `null` means that range is exhausted. */
export interface PressLogCursor {
  press?: string | null;
  rej?: string | null;
}

type FetchRange = (
  range: LogRange,
  after: string | undefined,
  limit: number,
) => Promise<{ sk: string; entry: PressLogEntry }[]>;

const isPosition = (value: unknown) =>
  value === undefined || value === null || typeof value === 'string';

export async function mergePressLog(
  page: PageRequest,
  fetch: FetchRange,
): Promise<Page<PressLogEntry>> {
  const cursor =
    decodeCursor<PressLogCursor>(
      page.cursor,
      (position) => isPosition(position.press) && isPosition(position.rej),
    ) ?? {};
  // One more than a page from each range tells whether a range is exhausted.
  const load = (range: LogRange, after: string | null | undefined) =>
    after === null ? Promise.resolve([]) : fetch(range, after, page.limit + 1);
  const [presses, rejections] = await Promise.all([
    load('PRESS#', cursor.press),
    load('REJ#', cursor.rej),
  ]);
  const merged = [
    ...presses.map((row) => ({ ...row, range: 'press' as const })),
    ...rejections.map((row) => ({ ...row, range: 'rej' as const })),
  ].sort((a, b) => b.entry.receivedAt - a.entry.receivedAt);
  const taken = merged.slice(0, page.limit);
  const lastOf = (range: 'press' | 'rej', fetched: number, previous: string | null | undefined) => {
    const rows = taken.filter((row) => row.range === range);
    if (rows.length === fetched) return null;
    if (rows.length === 0) return previous;
    return rows[rows.length - 1]?.sk;
  };
  const next: PressLogCursor = {
    press: lastOf('press', presses.length, cursor.press),
    rej: lastOf('rej', rejections.length, cursor.rej),
  };
  const done = next.press === null && next.rej === null;
  return {
    items: taken.map((row) => row.entry),
    cursor: done ? undefined : encodeCursor(next),
  };
}
