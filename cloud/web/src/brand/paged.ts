/**
 * A table that pages with the API's cursors: Next asks for the page after the last one's
 * cursor, Previous goes back to the cursor that opened the page before. Nothing is loaded
 * beyond the page shown.
 */
import { routeMissing } from '../api.ts';
import { type AttrValue, type Child, fill, h, table } from '../dom.ts';
import { bm } from './messages.ts';

export interface PageOf<T> {
  items: T[];
  cursor?: string | undefined;
}

export interface PagedTableOptions<T> {
  caption: string;
  columns: [string, (row: T) => Child | Child[]][];
  empty: string;
  load: (query: string) => Promise<PageOf<T>>;
  rowAttrs?: (row: T) => Record<string, AttrValue>;
  /** Rows per page (the API's `limit`). */
  size?: number;
  /** Called when the server has no such route at all; the table is not shown. */
  onMissing?: () => void;
  onError?: (message: string) => void;
}

export interface PagedTable {
  el: HTMLElement;
  /** Loads the first page again (after a change). */
  reload(): Promise<void>;
  /** Loads the page shown again. */
  refresh(): Promise<void>;
}

/** `limit=…&cursor=…`, added to the route's own query. */
function pageQuery(size: number, cursor: string | undefined): string {
  return `limit=${size}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`;
}

export function pagedTable<T>(options: PagedTableOptions<T>): PagedTable {
  const size = options.size ?? 10;
  const el = h('div', { class: 'paged' });
  /** The cursor that opened each page seen so far; the first page has none. */
  const opened: (string | undefined)[] = [undefined];
  let index = 0;

  async function show(at: number): Promise<void> {
    let page: PageOf<T>;
    try {
      page = await options.load(pageQuery(size, opened[at]));
    } catch (error) {
      if (routeMissing(error) && options.onMissing) return options.onMissing();
      options.onError?.((error as Error).message);
      return;
    }
    index = at;
    opened.length = at + 1;
    if (page.cursor) opened.push(page.cursor);
    const hasNext = page.cursor !== undefined && page.items.length > 0;
    const m = bm();
    const pager =
      index > 0 || hasNext
        ? h(
            'div',
            { class: 'pager' },
            h(
              'button',
              {
                type: 'button',
                class: 'secondary',
                disabled: index === 0,
                onclick: () => void show(index - 1),
              },
              m.previousPage,
            ),
            h('span', { class: 'page-number' }, m.pageNumber(index + 1)),
            h(
              'button',
              {
                type: 'button',
                class: 'secondary',
                disabled: !hasNext,
                onclick: () => void show(index + 1),
              },
              m.nextPage,
            ),
          )
        : null;
    fill(
      el,
      table<T>(options.caption, options.columns, page.items, options.empty, options.rowAttrs),
      pager,
    );
  }

  return {
    el,
    reload: () => show(0),
    refresh: () => show(index),
  };
}
