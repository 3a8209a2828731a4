/**
 * The store thread's side (see dynalite-thread.ts): starts dynalite as startDynalite does on any
 * thread, answers with its port, and closes it when asked.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { startDynalite } from '../store/dynamo/dynalite-server.ts';
import type { DynaliteThreadMessage } from './dynalite-thread.ts';

async function main(port: NonNullable<typeof parentPort>, path: string | undefined) {
  const post = (message: DynaliteThreadMessage) => port.postMessage(message);
  try {
    const server = await startDynalite({ path });
    port.on('message', (message: 'close') => {
      if (message === 'close') void server.close().then(() => post({ closed: true }));
    });
    post({ port: Number(new URL(server.endpoint).port) });
  } catch (error) {
    post({ error: error instanceof Error ? error.message : String(error) });
  }
}

if (parentPort) void main(parentPort, (workerData as { data: { path?: string } }).data.path);
