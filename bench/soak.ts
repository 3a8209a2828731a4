/**
 * `npm run soak -- [--devices N] [--presses N] [--duplicates P] [--faults] [--json]`
 *
 * Drives `npm start` (as a child process) over MQTT with many virtual buttons, optionally with
 * faults, and reconciles every press sent against the store. See bench/PERFORMANCE.md.
 */
import { parseArgs } from 'node:util';
import { runSoak, SOAK_DEFAULTS, type SoakOptions, type SoakProgress } from './soak/run.ts';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

const USAGE = `Usage: npm run soak -- [options]

  --devices N        virtual buttons, each its own MQTT thing (default ${SOAK_DEFAULTS.devices})
  --presses N        presses in total, spread evenly over the buttons (default ${SOAK_DEFAULTS.presses})
  --duplicates P     share 0-1 of presses delivered twice on purpose (default ${SOAK_DEFAULTS.duplicates})
  --faults           restart the broker at 30 % and SIGKILL + restart the stack at 60 %
  --concurrency N    presses in flight at once across the fleet (default ${SOAK_DEFAULTS.concurrency})
  --ack-timeout-ms N a button's wait for an ack before it re-sends (default ${SOAK_DEFAULTS.ackTimeoutMs})
  --budget-s N       stop starting presses after N seconds (default ${SOAK_DEFAULTS.budgetMs / 1000})
  --seed N           seed of the run's random choices (default ${SOAK_DEFAULTS.seed})
  --connected        keep every button connected (default: sleepy buttons, a session per press)
  --single-thread    run the stack's store on its main thread (RESTOCK_STORE_THREAD=0)
  --keep             keep the temporary data folder and the stack's log
  --json             print one JSON object instead of the table`;

function parse(argv: string[]): (SoakOptions & { json: boolean }) | null {
  const { values } = parseArgs({
    args: argv,
    options: {
      devices: { type: 'string' },
      presses: { type: 'string' },
      duplicates: { type: 'string' },
      faults: { type: 'boolean' },
      concurrency: { type: 'string' },
      'ack-timeout-ms': { type: 'string' },
      'budget-s': { type: 'string' },
      seed: { type: 'string' },
      keep: { type: 'boolean' },
      'single-thread': { type: 'boolean' },
      connected: { type: 'boolean' },
      json: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
    strict: true,
  });
  if (values.help) return null;
  const int = (name: string, value: string | undefined, fallback: number, min: number) => {
    if (value === undefined) return fallback;
    const n = Number(value);
    if (!Number.isInteger(n) || n < min)
      throw new Error(`--${name} must be a whole number ≥ ${min}`);
    return n;
  };
  const duplicates =
    values.duplicates === undefined ? SOAK_DEFAULTS.duplicates : Number(values.duplicates);
  if (!(duplicates >= 0 && duplicates <= 1))
    throw new Error('--duplicates must be between 0 and 1');
  return {
    devices: int('devices', values.devices, SOAK_DEFAULTS.devices, 1),
    presses: int('presses', values.presses, SOAK_DEFAULTS.presses, 0),
    duplicates,
    faults: values.faults === true,
    concurrency: int('concurrency', values.concurrency, SOAK_DEFAULTS.concurrency, 1),
    ackTimeoutMs: int('ack-timeout-ms', values['ack-timeout-ms'], SOAK_DEFAULTS.ackTimeoutMs, 100),
    budgetMs: int('budget-s', values['budget-s'], SOAK_DEFAULTS.budgetMs / 1000, 1) * 1000,
    seed: int('seed', values.seed, SOAK_DEFAULTS.seed, 0),
    keep: values.keep === true,
    storeThread: values['single-thread'] !== true,
    sleepy: values.connected !== true,
    json: values.json === true,
  };
}

function progressBar(): { update(p: SoakProgress): void; end(): void } {
  const tty = process.stderr.isTTY === true;
  const started = Date.now();
  let last = 0;
  let lastPhase = '';
  let width = 0;
  const write = (line: string, force = false) => {
    const now = Date.now();
    if (!force && now - last < (tty ? 200 : 10_000)) return;
    last = now;
    if (tty) {
      process.stderr.write(`\r${line.padEnd(width)}`);
      width = line.length;
    } else {
      process.stderr.write(`${line}\n`);
    }
  };
  const bar = (done: number, total: number) => {
    const f = total === 0 ? 1 : Math.min(1, done / total);
    const n = Math.round(f * 30);
    return `[${'#'.repeat(n)}${'.'.repeat(30 - n)}] ${String(Math.floor(f * 100)).padStart(3)}%`;
  };
  return {
    update(p) {
      const t = `${Math.round((Date.now() - started) / 1000)}s`;
      if (p.phase === 'fault' || p.phase === 'pressed') {
        if (tty) process.stderr.write('\n');
        process.stderr.write(`soak: ${p.phase}: ${p.message}\n`);
        return;
      }
      const newPhase = p.phase !== lastPhase;
      if (p.phase === 'provision' && lastPhase === 'press') return; // shown on the press line
      if (newPhase && lastPhase && tty) process.stderr.write('\n');
      lastPhase = p.phase;
      const tail =
        p.phase === 'press'
          ? `${p.done}/${p.total} acked, ${p.sent} sent, ${p.inFlight} in flight, ${p.online} buttons online`
          : `${p.done}/${p.total}`;
      write(
        `soak ${p.phase.padEnd(9)} ${bar(p.done, p.total)} ${tail} (${t})`,
        newPhase || p.done === p.total,
      );
    },
    end() {
      if (tty) process.stderr.write('\n');
    },
  };
}

async function main(): Promise<number> {
  let options: ReturnType<typeof parse>;
  try {
    options = parse(process.argv.slice(2));
  } catch (error) {
    process.stderr.write(`npm run soak: ${(error as Error).message}\n\n${USAGE}\n`);
    return 2;
  }
  if (!options) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  const bar = progressBar();
  const started = Date.now();
  const result = await runSoak(options, (p) => bar.update(p));
  bar.end();
  const wall = Math.round((Date.now() - started) / 100) / 10;
  if (options.json) {
    process.stdout.write(`${JSON.stringify({ ...result, wall_s: wall })}\n`);
  } else {
    const rows: [string, unknown][] = [
      ['buttons', `${result.devices} (${options.sleepy ? 'sleepy' : 'connected'})`],
      ['presses sent', result.sent],
      ['acks received', result.acked],
      ['orders created', result.orders],
      ['duplicate orders', result.duplicate_orders],
      ['presses lost', result.lost],
      ['orders without an ack', result.orders_without_ack],
      ['acked but not recorded', result.acked_not_recorded],
      ['press→ack p50 / p99 / max (ms)', `${result.p50_ms} / ${result.p99_ms} / ${result.max_ms}`],
      ['longest press after a fault (ms)', result.max_after_fault_ms ?? 'no fault'],
      ['presses/s (acked)', result.press_rate_per_s],
      ['peak RSS of the stack (MiB)', result.peak_rss_mb],
      ['  of which anonymous, at most (MiB)', result.peak_rss_anon_mb],
      ['duplicate deliveries sent', result.duplicates_sent],
      ['presses that needed a retry', result.retried_presses],
      ['outcomes', JSON.stringify(result.outcomes)],
      ['faults', result.faults.length ? result.faults.join('; ') : 'none'],
      ['phases (s)', JSON.stringify(result.phases_s)],
      ['wall time (s)', wall],
    ];
    if (result.data_dir) rows.push(['data folder (kept)', result.data_dir]);
    const w = Math.max(...rows.map(([k]) => k.length));
    for (const [k, v] of rows) process.stdout.write(`${k.padEnd(w)}  ${String(v)}\n`);
  }
  return result.duplicate_orders === 0 && result.lost === 0 && result.acked_not_recorded === 0
    ? 0
    : 1;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(
      `\nnpm run soak failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
    );
    process.exit(1);
  },
);
