/** Cursor paging for every list: the cursor is opaque to callers (a store-specific token). */
export interface PageRequest {
  limit: number;
  cursor?: string | undefined;
}

export interface Page<T> {
  items: T[];
  /** Present when more items follow; pass it back to get the next page. */
  cursor?: string | undefined;
}
