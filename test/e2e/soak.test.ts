/**
 * A smoke run of `npm run soak` at a tiny size with faults (the full size is a separate,
 * on-demand run: bench/PERFORMANCE.md): the command starts `npm start` as a child, registers its
 * buttons (sleepy: a session per press; or kept connected), restarts the broker and SIGKILLs +
 * restarts the stack mid-run, and the reconciliation finds every press acked and recorded, no
 * order twice, nothing lost.
 */
import { spawn } from 'node:child_process';
import { describe, expect, it } from 'vitest';

function runSoak(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'bench/soak.ts', ...args], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => {
      stdout += String(chunk);
    });
    child.stderr.on('data', (chunk) => {
      stderr += String(chunk);
    });
    child.on('exit', (code) => resolve({ code, stdout, stderr }));
  });
}

describe('npm run soak (smoke size)', () => {
  it('20 sleepy buttons, 100 presses, 20 % duplicates, broker restart and SIGKILL: nothing lost, nothing twice', async () => {
    const run = await runSoak([
      '--devices',
      '20',
      '--presses',
      '100',
      '--duplicates',
      '0.2',
      '--concurrency',
      '10',
      '--ack-timeout-ms',
      '1500',
      '--faults',
      '--json',
    ]);
    expect(run.code, run.stderr).toBe(0);
    const result = JSON.parse(run.stdout.trim().split('\n').at(-1) as string);
    expect(result).toMatchObject({
      sent: 100,
      acked: 100,
      orders: 100,
      duplicate_orders: 0,
      lost: 0,
      orders_without_ack: 0,
      acked_not_recorded: 0,
      ack_conflicts: 0,
    });
    expect(result.faults).toHaveLength(2);
    expect(result.duplicates_sent).toBeGreaterThan(0);
    expect(result.peak_rss_mb).toBeGreaterThan(0);
    expect(result.p99_ms).toBeGreaterThanOrEqual(result.p50_ms);
    expect(result.max_after_fault_ms).toBeGreaterThan(0);
  }, 120_000);

  it('connected buttons (--connected) through the same faults: nothing lost, nothing twice', async () => {
    const run = await runSoak([
      ...['--connected', '--devices', '10', '--presses', '40', '--duplicates', '0.2'],
      ...['--concurrency', '5', '--ack-timeout-ms', '1500', '--faults', '--json'],
    ]);
    expect(run.code, run.stderr).toBe(0);
    const result = JSON.parse(run.stdout.trim().split('\n').at(-1) as string);
    expect(result).toMatchObject({ sent: 40, acked: 40, orders: 40, duplicate_orders: 0, lost: 0 });
    expect(result.faults).toHaveLength(2);
  }, 120_000);
});
