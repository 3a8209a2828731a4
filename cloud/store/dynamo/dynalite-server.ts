/**
 * Runs dynalite (a DynamoDB-protocol server on LevelDB) on loopback: on disk under a data folder
 * for the local stack, in memory for tests.
 */
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import dynalite from 'dynalite';

export interface DynaliteServer {
  endpoint: string;
  close(): Promise<void>;
}

export async function startDynalite(
  options: { path?: string | undefined; port?: number } = {},
): Promise<DynaliteServer> {
  mendLevel();
  const server = dynalite({
    createTableMs: 0,
    deleteTableMs: 0,
    updateTableMs: 0,
    path: options.path,
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/**
 * LevelDB maps every table file it keeps open into memory (up to 1 000 of ~2 MB each by
 * default), and the pages read count in the process's RSS. A table cache this size keeps that
 * to a few hundred MB; a closed file is opened again when read (the block cache keeps the hot
 * blocks meanwhile).
 */
const OPEN_TABLE_FILES = 128;

type Iterator = { close(): Promise<void>; return?: () => Promise<void> };
type Open = (this: unknown, options: object) => Promise<void>;
type Level = {
  _open: Open;
  _get(key: unknown, options: object): Promise<unknown>;
  _getSync(key: unknown, options: object): unknown;
};

/**
 * Three repairs to the LevelDB under dynalite, made once per thread before its first store opens:
 * - dynalite ends the iterator behind each Query and Scan with `return()`, which abstract-level's
 *   iterators do not have, so every one stayed open until the store closed. An open iterator
 *   pins the table files of its moment: compaction could delete none, and a soak's store grew to
 *   11 GB on disk (~6 000 obsolete table files) and 1.3 GB of mapped files. Their `return()` now
 *   closes them.
 * - the table cache is bounded (OPEN_TABLE_FILES); dynalite opens its LevelDB without options.
 * - a read is made on the store's own thread: each asynchronous read woke a thread-pool thread,
 *   and on a busy machine the store's thread then lost its core for longer than the read takes
 *   (a few µs, from LevelDB's caches); in a CPU profile of a soak's store thread a fifth of the
 *   samples sat in the call that hands a read over.
 */
/**
 * `require` from inside the classic-level that dynalite runs on: `./index.js` is that module,
 * `./binding.js` its native binding, `abstract-level` the base classes it extends. Another
 * copy of these in node_modules would not be the one dynalite's store uses.
 */
export function requireBesideLevel(): NodeJS.Require {
  const fromDynalite = createRequire(createRequire(import.meta.url).resolve('dynalite'));
  const fromLevel = createRequire(fromDynalite.resolve('level'));
  return createRequire(fromLevel.resolve('classic-level'));
}

let mended = false;
function mendLevel(): void {
  if (mended) return;
  mended = true;
  const fromClassic = requireBesideLevel();
  const iterators = fromClassic('abstract-level') as Record<string, { prototype: Iterator }>;
  for (const name of ['AbstractIterator', 'AbstractKeyIterator', 'AbstractValueIterator']) {
    const iterator = iterators[name]?.prototype;
    if (iterator && !iterator.return) {
      iterator.return = function (this: Iterator) {
        return this.close();
      };
    }
  }
  const { ClassicLevel } = fromClassic('./index.js') as { ClassicLevel: { prototype: Level } };
  const open = ClassicLevel.prototype._open;
  ClassicLevel.prototype._open = function (options) {
    return open.call(this, { ...options, maxOpenFiles: OPEN_TABLE_FILES });
  };
  ClassicLevel.prototype._get = async function (this: Level, key, options) {
    return this._getSync(key, options);
  };
}
