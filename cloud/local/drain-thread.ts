/**
 * The outbox drain (event-drain.ts) on a worker thread of the stack's own process, with its own
 * store client on the same endpoint: what a press leaves for after its ack — about two thirds of
 * the store calls a press costs — then no longer shares the broker's event loop with CONNECTs,
 * presses and acks. It stays one process: a crash point (RESTOCK_CRASH_AT) reached on this
 * thread still SIGKILLs the whole stack, and a stop waits for the drain in flight.
 *
 * The main thread asks for a drain and is answered when it is done; the thread's log lines go to
 * the stack's log. A thread that dies fails the drains in flight and is started again by the
 * next one (the outbox is in the table: nothing is lost with it).
 */
import type { Worker } from 'node:worker_threads';
import { RestockError } from '../core/errors.ts';
import type { Log } from '../core/ports.ts';
import type { EventDrain } from './event-drain.ts';
import { startTsWorker } from './ts-worker.ts';

/** What the thread builds its drain from (plain data: it crosses the thread boundary). */
export interface DrainThreadData {
  tableName: string;
  /** undefined: AWS from the usual variables. */
  endpoint: string | undefined;
  dataDir: string;
  /** A step of crash-points.ts, or undefined for none. */
  crashAt: string | undefined;
}

export type DrainRequest = { kind: 'drain'; id: number };

export type DrainThreadMessage =
  | { kind: 'ready' }
  | { kind: 'drained'; id: number; count: number }
  | { kind: 'failed'; id: number; error: string }
  | {
      kind: 'log';
      level: keyof Log;
      message: string;
      data: Record<string, unknown> | undefined;
    };

/** A drain the thread could not run, or a thread that could not start or died. */
export class DrainThreadError extends RestockError {
  override readonly name = 'DrainThreadError';
  constructor(message: string, cause?: unknown) {
    super('DRAIN_THREAD', message, { cause });
  }
}

export interface DrainThread {
  drain: EventDrain;
  /** Waits for the drains in flight, then ends the thread. */
  close(): Promise<void>;
}

/** Starts the thread and waits until its drain is built. */
export async function startDrainThread(data: DrainThreadData, log: Log): Promise<DrainThread> {
  const pending = new Map<number, { resolve(count: number): void; reject(e: unknown): void }>();
  const inFlight = new Set<Promise<number>>();
  let nextId = 0;
  let closing = false;
  let current: { worker: Worker; ready: Promise<void> } | null = null;

  const spawn = () => {
    const worker = startTsWorker(new URL('./drain-worker.ts', import.meta.url), data);
    const ready = new Promise<void>((resolve, reject) => {
      const fail = (error: DrainThreadError) => {
        if (current?.worker === worker) current = null;
        reject(error);
        for (const waiting of pending.values()) waiting.reject(error);
        pending.clear();
      };
      worker.on('message', (message: DrainThreadMessage) => {
        if (message.kind === 'ready') resolve();
        else if (message.kind === 'log') log[message.level](message.message, message.data);
        else {
          const waiting = pending.get(message.id);
          pending.delete(message.id);
          if (message.kind === 'drained') waiting?.resolve(message.count);
          else waiting?.reject(new DrainThreadError(`outbox drain failed: ${message.error}`));
        }
      });
      worker.once('error', (error) =>
        fail(new DrainThreadError(`the drain thread failed: ${error.message}`, error)),
      );
      worker.once('exit', (code) => {
        if (!closing) fail(new DrainThreadError(`the drain thread exited (${code})`));
      });
    });
    // A start that fails is reported by whoever awaits it.
    ready.catch(() => undefined);
    current = { worker, ready };
    return current;
  };

  const drain: EventDrain = async () => {
    if (closing) return 0;
    const { worker, ready } = current ?? spawn();
    await ready;
    const id = nextId++;
    const done = new Promise<number>((resolve, reject) => pending.set(id, { resolve, reject }));
    inFlight.add(done);
    const forget = () => inFlight.delete(done);
    done.then(forget, forget);
    worker.postMessage({ kind: 'drain', id } satisfies DrainRequest);
    return done;
  };

  await spawn().ready;
  return {
    drain,
    close: async () => {
      closing = true;
      await Promise.allSettled(inFlight);
      await current?.worker.terminate();
      current = null;
    },
  };
}
