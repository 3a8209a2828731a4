/**
 * dynalite in a worker thread of the stack's own process (the default; RESTOCK_STORE_THREAD=0
 * keeps it on the main thread): on disk under `path`, or in memory without one (the bench).
 *
 * The store and the broker/press pipeline then use one core each instead of sharing one, which
 * roughly doubles the press rate on a 2-core machine (bench/PERFORMANCE.md). It stays one
 * process: a SIGKILL still takes the store down with everything else.
 */
import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import type { DynaliteServer } from '../store/dynamo/dynalite-server.ts';

/**
 * LevelDB maps every table file it keeps open into memory (up to 1 000 of ~2 MB each by
 * default), and the pages read count in the process's RSS: on disk, a busy stack's store grew to
 * gigabytes of mapped tables. A table cache this size keeps that under ~250 MB; the files it
 * closes are opened again when read (the block cache keeps the hot blocks meanwhile).
 */
const OPEN_TABLE_FILES = 128;

// Plain CommonJS run by the worker: no TypeScript loader needed inside the thread. The options
// are those of cloud/store/dynamo/dynalite-server.ts; dynalite opens its LevelDB without options,
// so the thread hands it a Level whose open files are bounded.
const WORKER_CODE = `
const { parentPort, workerData } = require('node:worker_threads');
const level = require(workerData.level);
const { Level } = level;
level.Level = class extends Level {
  constructor(location, options) {
    super(location, { ...options, maxOpenFiles: workerData.openTableFiles });
  }
};
const dynalite = require(workerData.dynalite);
const server = dynalite({ createTableMs: 0, deleteTableMs: 0, updateTableMs: 0, path: workerData.path });
server.once('error', (error) => parentPort.postMessage({ error: String(error && error.message || error) }));
server.listen(0, '127.0.0.1', () => parentPort.postMessage({ port: server.address().port }));
parentPort.on('message', (m) => {
  if (m === 'close') server.close(() => parentPort.postMessage({ closed: true }));
});
`;

export async function startDynaliteThread(path?: string): Promise<DynaliteServer> {
  const dynalitePath = createRequire(import.meta.url).resolve('dynalite');
  const worker = new Worker(WORKER_CODE, {
    eval: true,
    workerData: {
      path,
      dynalite: dynalitePath,
      level: createRequire(dynalitePath).resolve('level'),
      openTableFiles: OPEN_TABLE_FILES,
    },
    // The parent's --import tsx is not needed (and not wanted) in this thread.
    execArgv: [],
  });
  const port = await new Promise<number>((resolve, reject) => {
    worker.once('error', reject);
    worker.once('exit', (code) => reject(new Error(`the store thread exited with ${code}`)));
    worker.once('message', (m: { port?: number; error?: string }) =>
      m.port ? resolve(m.port) : reject(new Error(m.error ?? 'the store thread failed')),
    );
  }).catch(async (error: unknown) => {
    await worker.terminate();
    throw error;
  });
  worker.removeAllListeners('exit');
  return {
    endpoint: `http://127.0.0.1:${port}`,
    close: async () => {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, 5_000);
        worker.once('message', () => {
          clearTimeout(timer);
          resolve();
        });
        worker.postMessage('close');
      });
      await worker.terminate();
    },
  };
}
