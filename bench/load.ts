/**
 * Load shapes for benchmarks. Closed loop: N workers, each pressing its own buttons back to
 * back (a button never has two presses in flight, as on a real device) → peak throughput.
 * Open loop: arrivals at a fixed rate whatever the latency, timed from the scheduled start
 * (no coordinated omission) → latency percentiles at a given load.
 */
import { performance } from 'node:perf_hooks';

export type PressFn = (buttonIndex: number) => Promise<unknown>;

export async function closedLoop(
  press: PressFn,
  options: { workers: number; buttons: number; durationMs: number; firstButton: number },
): Promise<{ presses: number; perSecond: number; nextButton: number }> {
  const perWorker = Math.floor(options.buttons / options.workers);
  let presses = 0;
  const start = performance.now();
  const deadline = start + options.durationMs;
  await Promise.all(
    Array.from({ length: options.workers }, async (_, worker) => {
      for (let i = 0; performance.now() < deadline && i < perWorker; i++) {
        await press(options.firstButton + worker * perWorker + i);
        presses++;
      }
    }),
  );
  const elapsed = performance.now() - start;
  return {
    presses,
    perSecond: (presses / elapsed) * 1000,
    nextButton: options.firstButton + options.workers * perWorker,
  };
}

export async function openLoop(
  press: PressFn,
  options: { ratePerSecond: number; durationMs: number; firstButton: number },
): Promise<{ latenciesMs: number[]; nextButton: number }> {
  const count = Math.max(1, Math.floor((options.ratePerSecond * options.durationMs) / 1000));
  const interval = 1000 / options.ratePerSecond;
  const latencies: number[] = [];
  const start = performance.now();
  const inFlight: Promise<void>[] = [];
  for (let i = 0; i < count; i++) {
    const scheduled = start + i * interval;
    const wait = scheduled - performance.now();
    if (wait > 1) await new Promise((resolve) => setTimeout(resolve, wait));
    inFlight.push(
      press(options.firstButton + i).then(() => {
        latencies.push(performance.now() - scheduled);
      }),
    );
  }
  await Promise.all(inFlight);
  return { latenciesMs: latencies, nextButton: options.firstButton + count };
}

export function percentile(values: number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const index = Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1);
  return sorted[Math.max(0, index)] as number;
}
