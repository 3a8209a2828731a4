/**
 * The drain thread's side (see drain-thread.ts): builds the outbox drain on a store client of
 * its own, then runs one full drain per request and answers with its count.
 */
import { parentPort, workerData } from 'node:worker_threads';
import type { Log } from '../core/ports.ts';
import { openTable } from '../store/dynamo/table.ts';
import { crashPointFrom } from './crash-points.ts';
import type { DrainRequest, DrainThreadData, DrainThreadMessage } from './drain-thread.ts';
import { eventDrain } from './event-drain.ts';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

/**
 * The drain's requests at the store at once. A batch fans out into hundreds of writes; with the
 * SDK's 50 sockets they all sat in the store thread's queue ahead of the presses' two calls,
 * and the connected-buttons benchmark ran a quarter slower; 4 did no better than 8.
 */
const DRAIN_STORE_SOCKETS = 8;

function main(port: NonNullable<typeof parentPort>, data: DrainThreadData): void {
  const post = (message: DrainThreadMessage) => port.postMessage(message);
  const forward =
    (level: keyof Log): Log[keyof Log] =>
    (message, fields) => {
      // Log fields are plain values; anything that cannot cross the thread goes as JSON.
      try {
        post({ kind: 'log', level, message, data: fields });
      } catch {
        post({ kind: 'log', level, message, data: JSON.parse(JSON.stringify(fields ?? {})) });
      }
    };
  const log: Log = { info: forward('info'), warn: forward('warn'), error: forward('error') };
  const drain = eventDrain({
    table: openTable({
      tableName: data.tableName,
      endpoint: data.endpoint,
      maxSockets: DRAIN_STORE_SOCKETS,
    }),
    dataDir: data.dataDir,
    log,
    crash: crashPointFrom(data.crashAt),
  });
  port.on('message', (request: DrainRequest) => {
    drain().then(
      (count) => post({ kind: 'drained', id: request.id, count }),
      (error: unknown) => post({ kind: 'failed', id: request.id, error: String(error) }),
    );
  });
  post({ kind: 'ready' });
}

if (parentPort) main(parentPort, (workerData as { data: DrainThreadData }).data);
