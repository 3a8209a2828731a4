/**
 * dynalite in a worker thread of the stack's own process (the default; RESTOCK_STORE_THREAD=0
 * keeps it on the main thread): on disk under `path`, or in memory without one (the bench).
 *
 * The store and the broker/press pipeline then use one core each instead of sharing one, which
 * roughly doubles the press rate on a 2-core machine (bench/PERFORMANCE.md). It stays one
 * process: a SIGKILL still takes the store down with everything else.
 */
import type { DynaliteServer } from '../store/dynamo/dynalite-server.ts';
import { startTsWorker } from './ts-worker.ts';

/** What the thread answers: its port once listening, or why it could not start; then closed. */
export type DynaliteThreadMessage = { port: number } | { error: string } | { closed: true };

export async function startDynaliteThread(path?: string): Promise<DynaliteServer> {
  const worker = startTsWorker(new URL('./dynalite-worker.ts', import.meta.url), { path });
  const port = await new Promise<number>((resolve, reject) => {
    worker.once('error', reject);
    worker.once('exit', (code) => reject(new Error(`the store thread exited with ${code}`)));
    worker.once('message', (m: DynaliteThreadMessage) =>
      'port' in m
        ? resolve(m.port)
        : reject(new Error('error' in m ? m.error : 'the store thread failed')),
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
