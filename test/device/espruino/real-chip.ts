/**
 * The firmware on the REAL Espruino interpreter (its Linux port, built with the ESP32's pool
 * of 16 383 variables), found through ESPRUINO_BIN. One folder is one chip: the interpreter
 * keeps Storage in `espruino.flash` there, which survives between starts as flash survives
 * deep sleep; each start is one boot, and the prelude (prelude.ts) ends the process when the
 * firmware asks for deep sleep. flash() feeds the espruino CLI's upload to the interpreter's
 * console as a board would receive it; boot() starts the stored code as a wake does.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
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
  /** Where the setup page listens instead of port 80. */
  httpPort?: number;
  /** Button edges, in ms after the prelude ran. */
  edges?: { atMs: number; pressed: boolean }[];
  /** The process is killed after this long if it has not slept: the chip stayed awake. */
  limitMs?: number;
  /** Flash files written before the firmware starts, as earlier wakes would leave them. */
  files?: Record<string, string>;
  /** Called for each observation as it happens; `press` types a button edge at once. */
  onEvent?: (event: SimEvent, press: (pressed: boolean) => void) => void;
}

export interface SimEvent {
  ev: 'boot' | 'loaded' | 'wifi' | 'publish' | 'led' | 'sleep' | 'ap' | 'http';
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

  sleep(): { kind: 'button' | 'timer'; us: number; peak: number } | null {
    const e = this.events.find((x) => x.ev === 'sleep');
    return e
      ? { kind: e.kind as 'button' | 'timer', us: e.us as number, peak: e.peak as number }
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

  static async create(): Promise<RealChip> {
    if (!ESPRUINO_BIN) throw new Error('ESPRUINO_BIN is not set');
    return new RealChip(await mkdtemp(join(tmpdir(), 'restock-chip-')), ESPRUINO_BIN);
  }

  /**
   * The upload `npm run flash` sends, typed into the console of a running chip as the
   * espruino CLI sends it: reset() and print() first, then the files, then
   * `load(".bootcde")`. The prelude goes in before, as the stand-in for hardware the board has.
   */
  flash(upload: string, boot: RealBoot): Promise<RealWake> {
    return this.run(boot, [
      `\x10require("Storage").write(".boot0",${JSON.stringify(PRELUDE)});\n\x10reset();\n`,
      `\x10print()\n${upload}\n`,
    ]);
  }

  boot(boot: RealBoot): Promise<RealWake> {
    return this.run(boot, []);
  }

  remove(): Promise<void> {
    return rm(this.dir, { recursive: true, force: true });
  }

  private async run(boot: RealBoot, console: string[]): Promise<RealWake> {
    await writeFile(
      join(this.dir, 'sim.json'),
      JSON.stringify({
        cause: CAUSE[boot.cause],
        held: boot.held === true,
        batteryMv: boot.batteryMv ?? 3900,
        wifiJoinMs: boot.wifiJoinMs ?? 50,
        wifiFails: boot.wifiFails === true,
        httpPort: boot.httpPort ?? 0,
        files: boot.files ?? {},
      }),
    );
    const wake = new RealWake();
    const child = spawn(this.bin, [], { cwd: this.dir, stdio: ['pipe', 'pipe', 'pipe'] });
    const timers: NodeJS.Timeout[] = [];
    const limit = setTimeout(() => {
      wake.stayedAwake = true;
      child.kill('SIGKILL');
    }, boot.limitMs ?? 30_000);
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
        if (event.ev === 'boot' && wake.events.filter((e) => e.ev === 'boot').length === 1) {
          for (const edge of boot.edges ?? []) {
            timers.push(setTimeout(() => typeLine(child, `__edge(${edge.pressed})`), edge.atMs));
          }
        }
        if (event.ev === 'sleep') child.kill('SIGKILL');
        boot.onEvent?.(event, (pressed) => typeLine(child, `__edge(${pressed})`));
      }
    });
    child.stderr.on('data', () => {});
    child.stdin.on('error', () => {});
    const closed = new Promise<void>((resolve) => child.on('close', () => resolve()));
    for (const part of console) await typeSlowly(child, part);
    await closed;
    clearTimeout(limit);
    for (const t of timers) clearTimeout(t);
    return wake;
  }
}

/**
 * The console reads through a 1 KB input buffer and drops what overflows it; the espruino
 * tools pace a serial upload by flow control, this paces it by time.
 */
async function typeSlowly(child: ChildProcess, text: string): Promise<void> {
  const pause = () => new Promise((resolve) => setTimeout(resolve, 15));
  for (let i = 0; i < text.length && child.exitCode === null; i += 256) {
    child.stdin?.write(text.slice(i, i + 256), 'latin1');
    await pause();
  }
  // A reset() at the end of a part takes a moment; what arrives meanwhile is lost.
  for (let i = 0; i < 20; i++) await pause();
}

function typeLine(child: ChildProcess, line: string): void {
  // 0x10: the console runs the line without echoing it, as the espruino tools send code.
  if (child.exitCode === null) child.stdin?.write(`\x10${line}\n`);
}

/**
 * Runs a script as a file (no Storage, no prelude but the ESP32 sleep calls, which print and
 * quit) and returns the lines it printed that start with `@`.
 */
export async function runScript(script: string): Promise<string[]> {
  if (!ESPRUINO_BIN) throw new Error('ESPRUINO_BIN is not set');
  const dir = await mkdtemp(join(tmpdir(), 'restock-script-'));
  try {
    const esp32 =
      'global.ESP32 = { deepSleepExt0: function () { quit(); }, deepSleep: function () { quit(); } };\n';
    await writeFile(join(dir, 'script.js'), esp32 + script);
    const child = spawn(ESPRUINO_BIN, ['script.js'], { cwd: dir, stdio: ['pipe', 'pipe', 'pipe'] });
    const limit = setTimeout(() => child.kill('SIGKILL'), 10_000);
    let output = '';
    child.stdout.setEncoding('latin1');
    child.stdout.on('data', (chunk: string) => {
      output += chunk;
    });
    await new Promise<void>((resolve) => child.on('close', () => resolve()));
    clearTimeout(limit);
    return output
      .split('\n')
      .map((line) => /(@[^\r]*)/.exec(line)?.[1])
      .filter((line): line is string => line !== undefined && !line.startsWith('@sim'));
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
