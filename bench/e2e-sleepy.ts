/**
 * Sleepy buttons, as real ones behave: each press is a session of its own — connect, subscribe
 * to the ack topic, publish, wait for the ack, disconnect — over plain TCP (derived password) or
 * mutual TLS (device certificate). Per transport, after unmeasured sessions that compile its
 * paths: the peak (closed loop, every slot starting its next session as soon as the last one
 * ended) and p50/p99 at 50 % of that peak (open loop: sessions start on a schedule, each on a
 * device not in a session, timed from its scheduled start to its ack). Each phase starts once
 * the stack has caught up with what the presses before it left for after their acks, so it is
 * not timed against the peak's backlog. The buttons run in a worker thread (sleepy-buttons.ts),
 * so the stack's event loop carries only the stack's work. Figures only; nothing is asserted.
 */
import { ensureDevCa, ensureDeviceCertificate } from '../cloud/dev/dev-ca.ts';
import type { RunningStack } from '../cloud/local/stack.ts';
import { startTsWorker } from '../cloud/local/ts-worker.ts';
import type {
  SleepyFigures,
  SleepyWorkerData,
  SleepyWorkerMessage,
  SleepyWorkerRequest,
} from './sleepy-buttons.ts';

export type { SleepyFigures } from './sleepy-buttons.ts';

export interface SleepyOptions {
  /** Sessions at once in the peak's closed loop. */
  concurrency: number;
  durationMs: number;
  warmUpMs: number;
  progress: (message: string) => void;
}

/** Both rows on a running stack whose `deviceIds` are registered and order on every press. */
export async function measureSleepy(
  stack: RunningStack,
  dataDir: string,
  deviceIds: string[],
  options: SleepyOptions,
): Promise<{ e2e_sleepy: SleepyFigures; e2e_sleepy_tls: SleepyFigures }> {
  options.progress(`e2e sleepy: issuing device certificates for ${deviceIds.length} buttons…`);
  const ca = await ensureDevCa(dataDir);
  const devices: SleepyWorkerData['devices'] = [];
  for (const deviceId of deviceIds) {
    const deviceKey = (await stack.keySource.deviceKey(deviceId, 1)) as Uint8Array;
    devices.push({
      deviceId,
      deviceKey,
      ...(await ensureDeviceCertificate(dataDir, ca, deviceId)),
    });
  }
  const data: SleepyWorkerData = {
    mqttUrl: `mqtt://127.0.0.1:${stack.runtime.mqttPort}`,
    mqttsUrl: `mqtts://127.0.0.1:${stack.runtime.mqttTlsPort}`,
    caCertPem: ca.caCertPem,
    devices,
    concurrency: options.concurrency,
    durationMs: options.durationMs,
    warmUpMs: options.warmUpMs,
  };
  const worker = startTsWorker(new URL('./sleepy-buttons.ts', import.meta.url), data);
  try {
    return await new Promise((resolve, reject) => {
      worker.on('message', (message: SleepyWorkerMessage) => {
        if (message.kind === 'progress') options.progress(message.message);
        else if (message.kind === 'catch-up') {
          stack
            .drainOutbox()
            .then(
              () => worker.postMessage({ kind: 'caught-up' } satisfies SleepyWorkerRequest),
              reject,
            );
        } else resolve({ e2e_sleepy: message.e2e_sleepy, e2e_sleepy_tls: message.e2e_sleepy_tls });
      });
      worker.once('error', reject);
      worker.once('exit', (code) =>
        reject(new Error(`the sleepy buttons' thread exited (${code})`)),
      );
    });
  } finally {
    await worker.terminate();
  }
}
