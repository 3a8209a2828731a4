/**
 * Which firmware slot boots, kept as two alternating flash records (`rs.b0`, `rs.b1`, see
 * records.ts). Shared by the loader (the boot file) and the firmware; deliberately tiny, as the
 * loader runs on every boot.
 */
import { type RecordStore, readLatest, writeNext } from './records.ts';

/** A result the firmware still has to report on the Jobs topic. */
export interface PendingReport {
  job: string;
  fw: number;
  /** 'switched' | 'rolled_back' | 'failed' */
  st: string;
  /** Why it failed, as a reason code. */
  r?: string | undefined;
}

export interface BootRecord {
  n: number;
  /** The slot that boots: 0 or 1. */
  a: number;
  /** Present while a new firmware is on trial: the wakes it has booted so far. */
  t?: number | undefined;
  /** The job and firmware version on trial. */
  job?: string | undefined;
  fw?: number | undefined;
  rep?: PendingReport | undefined;
}

export const RECORDS = ['rs.b0', 'rs.b1'];
export const SLOTS = ['rs.s0', 'rs.s1'];
/** Wakes a new firmware gets to reach a verified ack before the loader boots the old one. */
export const TRIAL_WAKES = 3;

/** The latest complete record; slot 0, confirmed, when none was ever written. */
export function readBoot(store: RecordStore): BootRecord {
  return readLatest<BootRecord>(store, RECORDS, (r) => r.a === 0 || r.a === 1) || { n: 0, a: 0 };
}

/** Writes `next` as the record after `current`, into the file `current` is not in. */
export function writeBoot(store: RecordStore, current: BootRecord, next: BootRecord): BootRecord {
  return writeNext(store, RECORDS, current.n, next);
}

/** Boots the other slot again, remembering to report why. */
export function rollBack(store: RecordStore, current: BootRecord, reason: string): BootRecord {
  return writeBoot(store, current, {
    n: 0,
    a: 1 - current.a,
    rep: { job: current.job as string, fw: current.fw as number, st: 'rolled_back', r: reason },
  });
}
