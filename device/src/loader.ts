/**
 * The boot file (`.bootcde`): runs the firmware in the active slot, and the previous one when
 * the new firmware throws while it starts, crashes during a trial wake, or has not reached a
 * verified ack within TRIAL_WAKES wakes. Every decision is one boot-record write, so power
 * loss at any point leaves a bootable choice. Kept minimal: it cannot itself be updated.
 */
import {
  type BootRecord,
  readBoot,
  rollBack,
  SLOTS,
  TRIAL_WAKES,
  writeBoot,
} from './boot-record.ts';

interface LoaderGlobals {
  require(name: 'Storage'): {
    read(name: string): string | undefined;
    write(name: string, data: string): boolean;
  };
  process: {
    on(event: string, fn: (error: unknown) => void): void;
    removeAllListeners(event: string): void;
  };
  clearTimeout(): void;
  clearInterval(): void;
  clearWatch(): void;
  console: { log(message: string): void };
}

const g = (typeof globalThis !== 'undefined' ? globalThis : global) as unknown as LoaderGlobals;
const storage = g.require('Storage');

function failed(record: BootRecord, reason: string): BootRecord {
  g.console.log(`firmware ${record.fw} failed (${reason}): booting the previous one`);
  return rollBack(storage, record, reason);
}

function fail(record: BootRecord, reason: string): void {
  g.process.removeAllListeners('uncaughtException');
  // What the failed firmware left running must not run on beside the one that takes over.
  g.clearTimeout();
  g.clearInterval();
  g.clearWatch();
  run(failed(record, reason));
}

/** Runs a slot's firmware from a callback (a crash during a trial): the rare, costlier path. */
function run(record: BootRecord): void {
  const code = storage.read(SLOTS[record.a] as string);
  // biome-ignore lint/security/noGlobalEval: the slot holds the firmware, checked before it was switched to
  if (code) eval(code);
}

let boot = readBoot(storage);
if (boot.t !== undefined) {
  boot =
    boot.t >= TRIAL_WAKES
      ? failed(boot, 'NO_ACK')
      : writeBoot(storage, boot, { n: 0, a: boot.a, t: boot.t + 1, job: boot.job, fw: boot.fw });
}
let code = storage.read(SLOTS[boot.a] as string);
if (!code && boot.t !== undefined) {
  boot = failed(boot, 'MISSING');
  code = storage.read(SLOTS[boot.a] as string);
}
const trial = boot;
if (trial.t !== undefined) g.process.on('uncaughtException', () => fail(trial, 'CRASH'));
// At the top level of the boot file, not in a function: Espruino then keeps the firmware's
// function bodies in flash (evaluated inside a function, they cost ~600 more variables).
try {
  // biome-ignore lint/security/noGlobalEval: the slot holds the firmware, checked before it was switched to
  eval(code as string);
} catch (error) {
  if (trial.t === undefined) throw error;
  fail(trial, 'CRASH');
}
