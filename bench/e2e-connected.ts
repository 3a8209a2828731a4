/**
 * The connected buttons of the e2e rows on a worker thread (connected-buttons.ts), so the stack's
 * event loop carries only the stack's work: connects them all, then runs closed loops on request.
 */
import type { Worker } from 'node:worker_threads';
import type { RunningStack } from '../cloud/local/stack.ts';
import { startTsWorker } from '../cloud/local/ts-worker.ts';
import type {
  ConnectedRequest,
  ConnectedWorkerData,
  ConnectedWorkerMessage,
  E2eFigures,
} from './connected-buttons.ts';

export type { E2eFigures } from './connected-buttons.ts';

export interface ConnectedButtons {
  /** Every button pressing in a closed loop for `durationMs`; see ConnectedRequest for modes. */
  loop(mode: 'press' | 'echo', durationMs: number): Promise<E2eFigures>;
  close(): Promise<void>;
}

/**
 * Connects one button per registered device id on the stack's plain MQTT port; their loops keep
 * `concurrency` presses in flight.
 */
export async function startConnectedButtons(
  stack: RunningStack,
  deviceIds: string[],
  concurrency: number,
): Promise<ConnectedButtons> {
  const devices: ConnectedWorkerData['devices'] = [];
  for (const deviceId of deviceIds) {
    devices.push({
      deviceId,
      deviceKey: (await stack.keySource.deviceKey(deviceId, 1)) as Uint8Array,
    });
  }
  const data: ConnectedWorkerData = {
    mqttUrl: `mqtt://127.0.0.1:${stack.runtime.mqttPort}`,
    devices,
    concurrency,
  };
  const worker = startTsWorker(new URL('./connected-buttons.ts', import.meta.url), data);
  const next = () => reply(worker);
  try {
    await next();
  } catch (error) {
    await worker.terminate();
    throw error;
  }
  const ask = async (request: ConnectedRequest) => {
    const answer = next();
    worker.postMessage(request);
    return answer;
  };
  return {
    loop: async (mode, durationMs) => {
      const answer = await ask({ kind: 'loop', mode, durationMs });
      if (answer.kind !== 'figures') throw new Error(`connected buttons answered ${answer.kind}`);
      return answer.figures;
    },
    close: async () => {
      await ask({ kind: 'close' }).catch(() => undefined);
      await worker.terminate();
    },
  };
}

/** The thread's next message, or its failure. */
function reply(worker: Worker): Promise<ConnectedWorkerMessage> {
  return new Promise((resolve, reject) => {
    const onError = (error: Error) => done(() => reject(error));
    const onExit = (code: number) =>
      done(() => reject(new Error(`the connected buttons' thread exited (${code})`)));
    const onMessage = (message: ConnectedWorkerMessage) => done(() => resolve(message));
    const done = (settle: () => void) => {
      worker.off('error', onError).off('exit', onExit).off('message', onMessage);
      settle();
    };
    worker.once('error', onError).once('exit', onExit).once('message', onMessage);
  });
}
