/**
 * `npm run bench [-- --json]`: the press pipeline against a floor and a baseline measured in the
 * same run on the same dynalite. Prints figures; asserts nothing.
 */

import { startDynalite } from '../cloud/store/dynamo/dynalite-server.ts';
import { ensureTable, openTable, type Table } from '../cloud/store/dynamo/table.ts';
import { BillingMeter } from './billing-meter.ts';
import { measureDevice, printDevice } from './device-row.ts';
import { measureE2e } from './e2e.ts';
import { measureFlood } from './flood.ts';
import { closedLoop, openLoop, percentile } from './load.ts';
import {
  baselineRow,
  buttonOf,
  claimedButtons,
  commitRelay,
  floorRow,
  pipelineRow,
  type Row,
  seedButtons,
  signedPresses,
} from './pipeline-rows.ts';
import { StoreMeter } from './store-meter.ts';
import { mainThreadCpuMs } from './thread-cpu.ts';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';

const json = process.argv.includes('--json');
const seconds = Number(process.env.BENCH_SECONDS ?? 3);
const WORKERS = 48;
const progress = (message: string) => process.stderr.write(`bench: ${message}\n`);

export interface RowFigures {
  peak_presses_per_s: number;
  p50_ms: number;
  p99_ms: number;
  /**
   * Everything a press writes, the writes after its ack included. Pipeline: as DynamoDB bills
   * them, index entries included (see index_write_units_per_press); other rows: their items carry
   * no index keys, so dynalite's figure is the bill.
   */
  write_units_per_press: number;
  /** Pipeline only: the part of write_units_per_press that is index entries. */
  index_write_units_per_press?: number;
  /** Pipeline: store calls before the ack of a button this process never saw. Other rows: all. */
  store_calls_per_press: number;
  /** Pipeline only: store calls to answer a transport duplicate of a settled press. */
  store_calls_per_duplicate?: number;
  /**
   * CPU time per press in the closed loop of the thread the row runs on, the store's included
   * (dynalite runs on it too): what bounds peak_presses_per_s, and steadier than it when other
   * programs share the cores (see thread-cpu.ts). Null where /proc does not say.
   */
  cpu_ms_per_press: number | null;
}

/** How fast one process writes what the presses' commit points owe (the stream Lambda in AWS). */
export interface CommitRelayFigures {
  peak_presses_per_s: number;
}

/** Presses measured one at a time for the pipeline's per-press call counts. */
const SEQUENTIAL_PRESSES = 50;
/**
 * Presses each row makes, unmeasured, before its closed loop: the first row would otherwise pay
 * the JIT's warm-up of the SDK client and dynalite that every later row finds done.
 */
const WARM_UP_PRESSES = 1_200;

async function main() {
  const server = await startDynalite();
  const table = openTable({ tableName: 'restock-bench', endpoint: server.endpoint });
  const meter = new StoreMeter();
  meter.attach(table.raw);
  await ensureTable(table);
  // Enough buttons that every press is a button's first: each one orders, as in real use.
  const buttons = Math.ceil(2000 * seconds * 3);
  progress(`seeding ${buttons + WARM_UP_PRESSES} buttons and signing their presses…`);
  await seedButtons(table, buttons + WARM_UP_PRESSES);
  const payloads = signedPresses(buttons + WARM_UP_PRESSES);

  // The buttons the pipeline's closed loop pressed: the commit relay then writes their orders.
  const pressed: number[] = [];
  const pipeline = pipelineRow(table);
  const rows: [string, Row][] = [
    [
      'pipeline',
      async (payload) => {
        await pipeline(payload);
        pressed.push(buttonOf(payload));
      },
    ],
    ['floor', floorRow(table)],
    ['baseline', await baselineRow(table, table.raw)],
  ];
  const figures: Record<string, RowFigures> = {};
  const peaks: Record<string, number> = {};
  const cursors: Record<string, number> = {};

  for (const [name, row] of rows) {
    progress(
      `${name}: ${WARM_UP_PRESSES} presses to warm up, then a closed loop, ${WORKERS} buttons pressing concurrently for ${seconds}s…`,
    );
    // The warm-up's buttons come after the measured ones (each row has its own items).
    await closedLoop((i) => row(payloads[i] as string), {
      workers: WORKERS,
      buttons: WARM_UP_PRESSES,
      durationMs: 600_000,
      firstButton: buttons,
    });
    meter.reset();
    const cpuBefore = mainThreadCpuMs();
    const closed = await closedLoop((i) => row(payloads[i] as string), {
      workers: WORKERS,
      buttons: Math.floor(buttons / 3),
      durationMs: seconds * 1000,
      firstButton: 0,
    });
    const cpuAfter = mainThreadCpuMs();
    peaks[name] = closed.perSecond;
    cursors[name] = closed.nextButton;
    figures[name] = {
      peak_presses_per_s: Math.round(closed.perSecond),
      p50_ms: Number.NaN,
      p99_ms: Number.NaN,
      write_units_per_press: round(meter.writeUnits / closed.presses),
      store_calls_per_press: round(meter.calls / closed.presses),
      cpu_ms_per_press:
        cpuBefore === null || cpuAfter === null
          ? null
          : round((cpuAfter - cpuBefore) / closed.presses, 3),
    };
  }
  progress(`commit relay: the order items of the pipeline's ${pressed.length} presses…`);
  const commitRelayFigures = await measureCommitRelay(table, pressed);
  progress(`pipeline: store calls of ${SEQUENTIAL_PRESSES} first presses and their duplicates…`);
  const sequential = payloads.slice(buttons - SEQUENTIAL_PRESSES, buttons);
  const calls = await pipelineCalls(table, meter, sequential.slice(0, SEQUENTIAL_PRESSES / 2));
  const billed = await pipelineBill(server.endpoint, sequential.slice(SEQUENTIAL_PRESSES / 2));
  Object.assign(figures.pipeline as RowFigures, calls, billed);

  const offered = Math.max(1, Math.round((peaks.pipeline ?? 1) * 0.7));
  for (const [name, row] of rows) {
    progress(
      `${name}: open loop at ${offered} presses/s (70% of the pipeline's peak) for ${seconds}s…`,
    );
    const open = await openLoop((i) => row(payloads[i] as string), {
      ratePerSecond: offered,
      durationMs: seconds * 1000,
      firstButton: Math.floor(buttons / 3) + (cursors[name] ?? 0),
    });
    const f = figures[name] as RowFigures;
    f.p50_ms = round(percentile(open.latenciesMs, 50));
    f.p99_ms = round(percentile(open.latenciesMs, 99));
  }
  await server.close();

  progress('end to end: press → signed ack through the broker, rule and pipeline, with its floor…');
  const e2eRows = await measureE2e({ buttons: 64, durationMs: seconds * 1000, progress });

  progress('flood: forged presses for random device ids while genuine buttons press…');
  const { items_bound: itemsBound, ...flood } = await measureFlood({ progress });

  const device = await measureDevice(progress);

  const p = figures.pipeline as RowFigures;
  const fl = figures.floor as RowFigures;
  const b = figures.baseline as RowFigures;
  const ratios = {
    pipeline_peak_vs_floor: round(p.peak_presses_per_s / fl.peak_presses_per_s),
    pipeline_peak_vs_baseline: round(p.peak_presses_per_s / b.peak_presses_per_s),
    // The same two ratios from CPU time per press (higher is better, as for the peaks).
    pipeline_cpu_vs_floor: cpuRatio(fl, p),
    pipeline_cpu_vs_baseline: cpuRatio(b, p),
    pipeline_p99_vs_baseline: round(p.p99_ms / b.p99_ms),
    pipeline_write_units_vs_baseline: round(p.write_units_per_press / b.write_units_per_press),
    offered_presses_per_s: offered,
  };
  if (json) {
    console.log(
      JSON.stringify({
        pipeline: p,
        floor: fl,
        baseline: b,
        commit_relay: commitRelayFigures,
        ratios,
        e2e: e2eRows.e2e,
        e2e_floor: e2eRows.e2e_floor,
        e2e_slow_webhook: e2eRows.e2e_slow_webhook,
        e2e_sleepy: e2eRows.e2e_sleepy,
        e2e_sleepy_tls: e2eRows.e2e_sleepy_tls,
        webhook_slow_receiver: {
          p99_ms: e2eRows.e2e_slow_webhook.p99_ms,
          p99_no_receiver_ms: e2eRows.e2e_slow_webhook.p99_no_receiver_ms,
          deliveries_pending: e2eRows.e2e_slow_webhook.deliveries_pending,
          webhook_requests_held: e2eRows.e2e_slow_webhook.webhook_requests_held,
        },
        flood,
        device,
      }),
    );
    return;
  }
  console.log('\nPress pipeline on dynalite (one process, loopback)\n');
  console.log(
    'row       peak/s   p50 ms   p99 ms   write units/press   store calls/press   CPU ms/press',
  );
  for (const [name] of rows) {
    const r = figures[name] as RowFigures;
    console.log(
      `${name.padEnd(9)} ${String(r.peak_presses_per_s).padStart(6)}   ${r.p50_ms.toFixed(1).padStart(6)}   ${r.p99_ms.toFixed(1).padStart(6)}   ${r.write_units_per_press.toFixed(2).padStart(17)}   ${r.store_calls_per_press.toFixed(2).padStart(17)}   ${(r.cpu_ms_per_press?.toFixed(3) ?? '-').padStart(12)}`,
    );
  }
  console.log(
    `${'relay'.padEnd(9)} ${String(commitRelayFigures.peak_presses_per_s).padStart(6)}   (commit relay: the order items the pipeline's presses owe, one process; in AWS the stream Lambda)`,
  );
  console.log(
    `\npipeline peak / floor peak: ${ratios.pipeline_peak_vs_floor} (target ≥ 0.45)` +
      `\npipeline peak / baseline peak: ${ratios.pipeline_peak_vs_baseline} (target ≥ 1.3)` +
      `\nin CPU time per press: floor / pipeline ${ratios.pipeline_cpu_vs_floor}, baseline / pipeline ${ratios.pipeline_cpu_vs_baseline}` +
      `\npipeline p99 / baseline p99: ${ratios.pipeline_p99_vs_baseline} (target ≤ 0.7)` +
      `\npipeline write units / baseline: ${ratios.pipeline_write_units_vs_baseline} (target ≤ 0.7)` +
      `\npipeline p99: ${p.p99_ms} ms (target ≤ 50 ms); latencies at ${offered} presses/s offered to every row.`,
  );
  console.log(
    "The pipeline's write units are DynamoDB's bill, index entries included" +
      ` (${p.index_write_units_per_press} of them per press);` +
      "\nthe baseline's naive order and the floor's record carry no index keys.",
  );
  console.log(
    `\nEnd to end through the embedded broker (closed loop, each button waits for its ack;` +
      ` ${e2eRows.e2e.buttons} pressing at once, in turn, of ${e2eRows.e2e.connected_buttons} connected)\n`,
  );
  console.log('row         buttons   presses/s   p50 ms   p99 ms');
  for (const [name, r] of [
    ['e2e', e2eRows.e2e],
    ['e2e slow wh', e2eRows.e2e_slow_webhook],
    ['e2e floor', e2eRows.e2e_floor],
  ] as const) {
    console.log(
      `${name.padEnd(11)} ${String(r.buttons).padStart(7)}   ${String(Math.round(r.presses_per_s)).padStart(9)}   ${r.p50_ms.toFixed(1).padStart(6)}   ${r.p99_ms.toFixed(1).padStart(6)}`,
    );
  }
  console.log(
    `e2e / floor throughput: ${round(e2eRows.e2e.presses_per_s / e2eRows.e2e_floor.presses_per_s)}` +
      `\ne2e p99 with a 30-s-slow webhook receiver / without (the window just before): ${round(e2eRows.e2e_slow_webhook.p99_ms / e2eRows.e2e_slow_webhook.p99_no_receiver_ms)}` +
      ` (${e2eRows.e2e_slow_webhook.webhook_requests_held} webhook requests held open, ${e2eRows.e2e_slow_webhook.deliveries_pending} deliveries pending)`,
  );
  console.log('\nSleepy buttons: connect, subscribe, publish, ack, disconnect per press\n');
  console.log("row              peak/s   p50 ms   p99 ms   (latencies at 50 % of the row's peak)");
  for (const [name, r] of [
    ['e2e sleepy', e2eRows.e2e_sleepy],
    ['e2e sleepy TLS', e2eRows.e2e_sleepy_tls],
  ] as const) {
    console.log(
      `${name.padEnd(14)} ${String(r.peak_presses_per_s).padStart(8)}   ${r.p50_ms.toFixed(1).padStart(6)}   ${r.p99_ms.toFixed(1).padStart(6)}`,
    );
  }
  console.log('\nFlood: forged presses for random device ids from one connection\n');
  console.log(
    `${flood.forged} forged presses wrote ${flood.items_written} table items (budget: ${itemsBound})` +
      `\n${flood.legit_ordered} of ${flood.legit} genuine presses during the flood ORDERED` +
      `\ngenuine p99: ${flood.p99_ms} ms during the flood, ${flood.p99_no_flood_ms} ms without`,
  );
  printDevice(device);
}

/**
 * Calls before the ack for buttons a fresh pipeline never saw (its SKU cache warmed by one
 * other button, as any busy instance's is), then calls for a duplicate of each settled press.
 */
async function pipelineCalls(table: Table, meter: StoreMeter, presses: string[]) {
  let callsAtAck = 0;
  const row = pipelineRow(table, () => {
    callsAtAck = meter.calls;
  });
  await row(presses[0] as string);
  let beforeAck = 0;
  for (const payload of presses.slice(1)) {
    meter.reset();
    await row(payload);
    beforeAck += callsAtAck;
  }
  meter.reset();
  for (const payload of presses.slice(1)) await row(payload);
  const n = presses.length - 1;
  return {
    store_calls_per_press: round(beforeAck / n),
    store_calls_per_duplicate: round(meter.calls / n),
  };
}

/**
 * The commit relay's peak: the buttons' new images read first (a stream record carries them),
 * then their order items written by as many concurrent relays as the closed loop has workers.
 */
async function measureCommitRelay(table: Table, pressed: number[]): Promise<CommitRelayFigures> {
  const commits = await claimedButtons(table, pressed);
  const relay = commitRelay(table);
  const run = await closedLoop(
    async (i) => {
      const commit = commits[i];
      if (commit && (await relay(commit)) !== 1) throw new Error('the relay wrote no order item');
    },
    { workers: WORKERS, buttons: commits.length, durationMs: 600_000, firstButton: 0 },
  );
  return { peak_presses_per_s: Math.round(run.perSecond) };
}

/**
 * Write units of first presses as DynamoDB bills them (index entries included): the handler's
 * and the commit relay's writes after it.
 */
async function pipelineBill(endpoint: string, presses: string[]) {
  const metered = openTable({ tableName: 'restock-bench', endpoint });
  const images = openTable({ tableName: 'restock-bench', endpoint });
  const bill = new BillingMeter(images.raw);
  bill.attach(metered.raw);
  try {
    const row = pipelineRow(metered);
    const relay = commitRelay(metered);
    for (const payload of presses) {
      await row(payload);
      // Read on the unmetered client: the stream record brings the image.
      const [commit] = await claimedButtons(images, [buttonOf(payload)]);
      if (commit) await relay(commit);
    }
    return {
      write_units_per_press: round((bill.writeUnits + bill.indexWriteUnits) / presses.length),
      index_write_units_per_press: round(bill.indexWriteUnits / presses.length),
    };
  } finally {
    metered.raw.destroy();
    images.raw.destroy();
  }
}

function cpuRatio(other: RowFigures, pipeline: RowFigures): number | null {
  if (other.cpu_ms_per_press === null || !pipeline.cpu_ms_per_press) return null;
  return round(other.cpu_ms_per_press / pipeline.cpu_ms_per_press);
}

function round(value: number, digits = 2): number {
  const scale = 10 ** digits;
  return Math.round(value * scale) / scale;
}

main().catch((error) => {
  console.error(`bench failed: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
