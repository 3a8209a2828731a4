/**
 * A small state kept as two alternating flash files: a new record is written over the OLDER
 * one, so a write cut short by power loss leaves the latest complete record in place. The valid
 * record with the highest `n` wins. Used by the loader on every boot: deliberately tiny.
 */

export interface RecordStore {
  read(name: string): string | undefined;
  write(name: string, data: string): unknown;
}

export interface Numbered {
  n: number;
}

/** The newer of the two files' records that `valid` accepts; null when neither holds one. */
export function readLatest<T extends Numbered>(
  store: RecordStore,
  names: string[],
  valid: (record: T) => boolean,
): T | null {
  let best: T | null = null;
  for (const name of names) {
    let r: T | null = null;
    try {
      r = JSON.parse(store.read(name) || '') as T;
    } catch (_error) {
      // Never written, or torn: the other file holds the latest complete record.
    }
    if (r && typeof r.n === 'number' && valid(r) && (!best || r.n > best.n)) best = r;
  }
  return best;
}

/** Writes `next` as the record after number `n`, into the file the record `n` is not in. */
export function writeNext<T extends Numbered>(
  store: RecordStore,
  names: string[],
  n: number,
  next: T,
): T {
  next.n = n + 1;
  store.write(names[next.n % 2] as string, JSON.stringify(next));
  return next;
}

/** The firmware's flash (Platform, or any FileStore) as a RecordStore. */
export function recordStore(files: {
  readFile(name: string): string | undefined;
  writeFile(name: string, data: string): void;
}): RecordStore {
  return { read: files.readFile, write: files.writeFile };
}
