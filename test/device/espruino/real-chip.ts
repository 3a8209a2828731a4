/**
 * The firmware on the REAL Espruino interpreter (its Linux port, built with the ESP32's pool
 * of 16 383 variables), found through ESPRUINO_BIN. One folder is one chip: the interpreter
 * keeps Storage in `espruino.flash` there, which survives between starts as flash survives
 * deep sleep; each start is one boot, and the prelude (prelude.ts) ends the process when the
 * firmware asks for deep sleep. flash() stores the espruino CLI's upload and starts it as the
 * CLI does; boot() starts the stored code as a wake does.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runInNewContext } from 'node:vm';
import { crc32 } from 'node:zlib';
import { PATTERNS, type PatternName } from '../../../device/src/led.ts';
import { PRELUDE } from './prelude.ts';

export const ESPRUINO_BIN = process.env.ESPRUINO_BIN;

/** Null when the real interpreter can be run here, else the one line that says why not. */
export function realInterpreterMissing(): string | null {
  if (!ESPRUINO_BIN) {
    return 'real Espruino interpreter: skipped, ESPRUINO_BIN is not set (see README, "The button")';
  }
  if (!existsSync(ESPRUINO_BIN)) {
    return `real Espruino interpreter: skipped, ESPRUINO_BIN=${ESPRUINO_BIN} does not exist`;
  }
  return null;
}

const CAUSE = { button: 2, timer: 4, power: 0 } as const;

export interface RealBoot {
  cause: keyof typeof CAUSE;
  /** The button is still down when the code starts. */
  held?: boolean;
  batteryMv?: number;
  /** How long the fake Wi-Fi takes to join (ESP32 from deep sleep: about 1 s). */
  wifiJoinMs?: number;
  wifiFails?: boolean;
  /** The networks in range (a join to any other fails); all of them when absent. */
  ssids?: string[];
  /** Where the setup page listens instead of port 80. */
  httpPort?: number;
  /** Button edges, in ms after the boot's E.on('init') (the firmware's start). */
  edges?: { atMs: number; pressed: boolean }[];
  /** The process is killed after this long if it has not slept: the chip stayed awake. */
  limitMs?: number;
  /** Flash files written before the firmware starts, as earlier wakes would leave them. */
  files?: Record<string, string>;
  /** Power is lost right after the boot's n-th Storage write or erase (the process is killed). */
  cutAfterWrites?: number;
  /** Called for each observation as it happens; `press` types a button edge at once. */
  onEvent?: (event: SimEvent, press: (pressed: boolean) => void) => void;
}

export interface SimEvent {
  ev:
    | 'boot'
    | 'loaded'
    | 'wifi'
    | 'wifiOff'
    | 'publish'
    | 'led'
    | 'sleep'
    | 'ap'
    | 'http'
    | 'powerloss';
  /** ms since the prelude ran. */
  t: number;
  [field: string]: unknown;
}

export class RealWake {
  readonly events: SimEvent[] = [];
  /** Everything the interpreter printed. */
  output = '';
  /** The firmware never asked for deep sleep before the time limit. */
  stayedAwake = false;

  /** How the wake ended: the sleep asked for, the variables' peak, socket bytes out and in. */
  sleep(): { kind: 'button' | 'timer'; us: number; peak: number; tx: number; rx: number } | null {
    const e = this.events.find((x) => x.ev === 'sleep');
    return e
      ? {
          kind: e.kind as 'button' | 'timer',
          us: e.us as number,
          peak: e.peak as number,
          tx: e.tx as number,
          rx: e.rx as number,
        }
      : null;
  }

  /** LED pattern names shown, leaving out the connecting blinks. */
  shown(): string[] {
    const names = Object.keys(PATTERNS) as PatternName[];
    return this.events
      .filter((e) => e.ev === 'led')
      .map((e) => names.find((n) => PATTERNS[n].join(',') === (e.p as number[]).join(',')) ?? '?')
      .filter((n) => n !== 'connecting');
  }

  /** What Espruino reports for an exception nobody caught (the process carries on). */
  uncaught(): string[] {
    return this.output.split('\n').filter((l) => /Uncaught|ERROR: Out of Memory/i.test(l));
  }

  first(ev: SimEvent['ev']): SimEvent | undefined {
    return this.events.find((e) => e.ev === ev);
  }
}

export class RealChip {
  readonly dir: string;
  private readonly bin: string;

  private constructor(dir: string, bin: string) {
    this.dir = dir;
    this.bin = bin;
  }

  /** Every chip's folder not yet removed, so a failed test leaves none behind. */
  private static readonly folders = new Set<string>();

  static async create(): Promise<RealChip> {
    if (!ESPRUINO_BIN) throw new Error('ESPRUINO_BIN is not set');
    const chip = new RealChip(await mkdtemp(join(tmpdir(), 'restock-chip-')), ESPRUINO_BIN);
    RealChip.folders.add(chip.dir);
    return chip;
  }

  static async removeAll(): Promise<void> {
    for (const dir of RealChip.folders) await rm(dir, { recursive: true, force: true });
    RealChip.folders.clear();
  }

  /**
   * The upload `npm run flash` sends: its Storage writes run on this chip's interpreter, the
   * checksums of every file are compared with the upload's, then `load(".bootcde")` is typed
   * into the console after reset(), as the espruino CLI ends an upload. The prelude is stored
   * first, as the stand-in for hardware the board has.
   *
   * The writes run as a script rather than typed: the Linux port's input thread fills the
   * console's event buffer without a lock while the main thread drains it, and over a 75-line
   * upload that race replays old input now and then (a chunk written twice fails with "File
   * already written with different data"). A board's UART interrupt has no such race.
   */
  async flash(upload: string, boot: RealBoot): Promise<RealWake> {
    const lines = upload.split('\n').filter((line) => line.trim() !== '');
    const start = lines.pop() as string; // load(".bootcde")
    const files = uploadedFiles(lines);
    const names = JSON.stringify([...files.keys()]);
    const check = `print("@crc "+${names}.map(function(n){return E.CRC32(require("Storage").read(n)||"")}).join())`;
    const expected = `@crc ${[...files.values()].map((content) => crc32(Buffer.from(content, 'latin1'))).join()}`;
    await rm(join(this.dir, 'espruino.flash'), { force: true });
    const stored = await runFile(
      this.dir,
      [`require("Storage").write(".boot0",${JSON.stringify(PRELUDE)});`, ...lines, check].join(
        '\n',
      ),
    );
    if (!stored.includes(expected)) throw new Error(`the upload was not stored intact:\n${stored}`);
    return this.run(boot, ['reset();', start]);
  }

  boot(boot: RealBoot): Promise<RealWake> {
    return this.run(boot, []);
  }

  remove(): Promise<void> {
    RealChip.folders.delete(this.dir);
    return rm(this.dir, { recursive: true, force: true });
  }

  /** Each statement is typed once the console ran the one before. */
  private async run(boot: RealBoot, statements: string[]): Promise<RealWake> {
    await writeFile(
      join(this.dir, 'sim.json'),
      JSON.stringify({
        cause: CAUSE[boot.cause],
        held: boot.held === true,
        batteryMv: boot.batteryMv ?? 3900,
        wifiJoinMs: boot.wifiJoinMs ?? 50,
        wifiFails: boot.wifiFails === true,
        ssids: boot.ssids ?? null,
        httpPort: boot.httpPort ?? 0,
        files: boot.files ?? {},
        cutAfterWrites: boot.cutAfterWrites ?? -1,
      }),
    );
    const wake = new RealWake();
    const child = spawn(this.bin, [], { cwd: this.dir, stdio: ['pipe', 'pipe', 'pipe'] });
    const timers: NodeJS.Timeout[] = [];
    const closed = new Promise<void>((resolve) => child.on('close', () => resolve()));
    let pending = '';
    child.stdout.setEncoding('latin1');
    child.stdout.on('data', (chunk: string) => {
      wake.output += chunk;
      pending += chunk;
      const lines = pending.split('\n');
      pending = lines.pop() ?? '';
      for (const line of lines) {
        const match = /@sim (\{.*\})/.exec(line);
        if (!match) continue;
        const event = JSON.parse(match[1] as string) as SimEvent;
        wake.events.push(event);
        // The console takes input once E.on('init') has run: edges count from there.
        if (event.ev === 'loaded' && wake.events.filter((e) => e.ev === 'loaded').length === 1) {
          for (const edge of boot.edges ?? []) {
            timers.push(setTimeout(() => typeLine(child, `__edge(${edge.pressed})`), edge.atMs));
          }
        }
        if (event.ev === 'sleep' || event.ev === 'powerloss') child.kill('SIGKILL');
        boot.onEvent?.(event, (pressed) => typeLine(child, `__edge(${pressed})`));
      }
    });
    child.stderr.on('data', () => {});
    child.stdin.on('error', () => {});
    for (const [i, statement] of statements.entries()) {
      await consoleReady(child, wake, i);
      typeLine(child, statement);
    }
    const limit = setTimeout(() => {
      wake.stayedAwake = true;
      child.kill('SIGKILL');
    }, boot.limitMs ?? 30_000);
    await closed;
    clearTimeout(limit);
    for (const t of timers) clearTimeout(t);
    return wake;
  }
}

/**
 * Waits until the console runs what it is sent, as the espruino tools wait for a prompt:
 * input that arrives while the interpreter starts or resets is lost, and a line cut short can
 * leave the console waiting for the rest. So a marker is printed before each statement, and
 * asked again after Ctrl-C (which clears a half-typed line) when it does not come.
 */
async function consoleReady(child: ChildProcess, wake: RealWake, n: number): Promise<void> {
  const marker = `@ready-${n}.`;
  const ask = `print(${JSON.stringify(marker)})`;
  for (let tries = 0; running(child) && !wake.output.includes(marker); tries++) {
    if (tries === 0) typeLine(child, ask);
    else if (tries % 80 === 0) child.stdin?.write(`\x03\x10${ask}\n`);
    if (tries > 600) child.kill('SIGKILL'); // 15 s without an answer: upload again
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

const running = (child: ChildProcess) => child.exitCode === null && child.signalCode === null;

/** The files an upload writes, by running its Storage.write lines against a Map. */
function uploadedFiles(lines: string[]): Map<string, string> {
  const files = new Map<string, string>();
  const storage = {
    write(name: string, data: string, offset = 0, size = data.length) {
      const before = (files.get(name) ?? '').padEnd(size, '\xff');
      files.set(name, before.slice(0, offset) + data + before.slice(offset + data.length));
    },
  };
  const atob = (text: string) => Buffer.from(text, 'base64').toString('latin1');
  for (const line of lines) {
    if (line.startsWith('require("Storage").write(')) {
      runInNewContext(line, { require: () => storage, atob });
    }
  }
  return files;
}

function typeLine(child: ChildProcess, line: string): void {
  // 0x10: the console runs the line without echoing it, as the espruino tools send code.
  if (running(child)) child.stdin?.write(`\x10${line}\n`, 'latin1');
}

/** Runs a script as a file in `dir` (Storage is its espruino.flash; nothing boots from it). */
async function runFile(dir: string, script: string): Promise<string> {
  if (!ESPRUINO_BIN) throw new Error('ESPRUINO_BIN is not set');
  await writeFile(join(dir, 'script.js'), script);
  const child = spawn(ESPRUINO_BIN, ['script.js'], { cwd: dir, stdio: ['pipe', 'pipe', 'pipe'] });
  const limit = setTimeout(() => child.kill('SIGKILL'), 60_000);
  let output = '';
  child.stdout.setEncoding('latin1');
  child.stdout.on('data', (chunk: string) => {
    output += chunk;
  });
  await new Promise<void>((resolve) => child.on('close', () => resolve()));
  clearTimeout(limit);
  await rm(join(dir, 'script.js'), { force: true });
  return output;
}

/**
 * Runs a script as a file (no Storage, no prelude but the ESP32 sleep calls, which quit) and
 * returns the lines it printed that start with `@`.
 */
export async function runScript(script: string): Promise<string[]> {
  const dir = await mkdtemp(join(tmpdir(), 'restock-script-'));
  try {
    const esp32 =
      'global.ESP32 = { deepSleepExt0: function () { quit(); }, deepSleep: function () { quit(); } };\n';
    const output = await runFile(dir, esp32 + script);
    return output
      .split('\n')
      .map((line) => /(@[^\r]*)/.exec(line)?.[1])
      .filter((line): line is string => line !== undefined && !line.startsWith('@sim'));
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
