/**
 * A worker thread running a TypeScript module of this repository: the thread registers tsx
 * itself (a worker inherits neither the loader of `tsx` nor that of vitest), then imports the
 * module, which reads `workerData.data`.
 */
import { Worker } from 'node:worker_threads';

export function startTsWorker(module: URL, data: unknown): Worker {
  const code = `const { workerData } = require('node:worker_threads');
import(workerData.tsx).then(({ register }) => { register(); return import(workerData.module); });`;
  return new Worker(code, {
    eval: true,
    // A profiled process (`--cpu-prof`, `--cpu-prof-dir=…`) profiles its threads too.
    execArgv: process.execArgv.filter((arg) => arg.startsWith('--cpu-prof')),
    workerData: { tsx: import.meta.resolve('tsx/esm/api'), module: module.href, data },
  });
}
