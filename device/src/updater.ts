import {
  decodeManifest,
  jobUpdateTopic,
  type Manifest,
  manifestGetTopic,
  manifestTopic,
  streamDataTopic,
  streamGetTopic,
  toHex,
  verifyManifest,
} from '#shared/index';
import { type BootRecord, type PendingReport, readBoot, SLOTS, writeBoot } from './boot-record.ts';
import type { DeviceConfig } from './config.ts';
import { C, FW } from './constants.ts';
import type { MqttClient } from './mqtt/client.ts';
import type { Platform } from './platform.ts';
import { recordStore } from './records.ts';

/** How far one wake takes an update: a few blocks at most, so a press wake stays short. */
const BLOCKS_PER_WAKE = C.UPDATE_BLOCKS_PER_WAKE;

/**
 * Firmware updates, a bounded piece per wake, only while the button is awake for a press and
 * only when no press waits: fetch the signed manifest, stream its blocks into the inactive slot
 * (resuming where flash says the last wake stopped), check the image's SHA-256, and switch the
 * boot record to it on trial. Progress and results go to the job's Jobs topic.
 *
 * Flash writes, in order, each safe to be the last before power loss: the slot file is erased,
 * then the manifest is saved (`rs.dl`), then blocks are written in order (a block counts once
 * its last byte is written: firmware is ASCII, unwritten flash reads 0xFF), then the boot record
 * switches (one write), then the manifest is erased. Nothing the press queue holds is touched.
 */
export class Updater {
  p: Platform;
  config: DeviceConfig;
  key: Uint8Array;
  boot: BootRecord;
  client: MqttClient | null;
  /** The cloud said an update waits; cleared when this wake's share is done. */
  wanted: boolean;
  busy: boolean;
  manifest: Manifest | null;
  next: number;
  fetched: number;
  /** When this wake's share started (platform seconds). */
  started: number;
  timer: unknown;
  onIdle: () => void;

  constructor(p: Platform, config: DeviceConfig, key: Uint8Array, onIdle: () => void) {
    this.p = p;
    this.config = config;
    this.key = key;
    this.boot = readBoot(recordStore(p));
    this.client = null;
    this.wanted = false;
    this.busy = false;
    this.manifest = null;
    this.next = 0;
    this.fetched = 0;
    this.started = 0;
    this.timer = undefined;
    this.onIdle = onIdle;
  }

  /** Connected: a result an earlier wake (or the loader) left is reported first. */
  connected(client: MqttClient): void {
    this.client = client;
    const rep = this.boot.rep;
    if (!rep) return;
    this.report(rep.job, rep.st === 'switched' ? 'SUCCEEDED' : 'FAILED', rep, () => {
      // Reported (PUBACK): forget it, unless the record changed meanwhile.
      if (this.boot.rep === rep) this.record({ n: 0, a: this.boot.a });
    });
  }

  /** A verified ack arrived: a firmware on trial has proven itself. */
  acked(upd: number | undefined): void {
    const b = this.boot;
    if (b.t !== undefined) {
      this.record({ n: 0, a: b.a, rep: { job: b.job as string, fw: FW, st: 'switched' } });
      this.connected(this.client as MqttClient);
    }
    if (upd && upd & 1 && this.boot.t === undefined) this.wanted = true;
  }

  /** Whether it has work for this wake; starts it when the connection is free of presses. */
  run(): boolean {
    if (!this.wanted || !this.client) return false;
    if (this.busy) return true;
    this.busy = true;
    this.started = this.p.now();
    const d = this.config.device;
    this.client.subscribe(manifestTopic(d), 1, (error) => {
      if (error !== null || !this.client) {
        this.stop();
        return;
      }
      this.client.publish(manifestGetTopic(d), '{}', () => {});
      this.wait();
    });
    return true;
  }

  onMessage(topic: string, payload: string): boolean {
    const d = this.config.device;
    if (topic === manifestTopic(d)) {
      this.onManifest(payload);
      return true;
    }
    const m = this.manifest;
    if (!m || topic !== streamDataTopic(d, m.stream)) return false;
    let block: { i: number; p: string };
    try {
      block = JSON.parse(payload);
    } catch (_error) {
      return true;
    }
    if (block.i !== this.next || typeof block.p !== 'string') return true;
    const data = this.p.fromBase64(block.p);
    const start = block.i * m.block;
    if (data.length !== Math.min(m.block, m.size - start)) return true;
    this.p.writeAt(this.slot(), data, start, m.size);
    this.next++;
    this.fetched++;
    this.fetch();
    return true;
  }

  onManifest(payload: string): void {
    if (!this.busy || this.manifest) return;
    const decoded = decodeManifest(payload);
    const m = decoded.ok ? decoded.message : null;
    const c = this.config;
    if (
      !m ||
      m.device !== c.device ||
      m.kv !== c.kv ||
      !verifyManifest(this.p.sha256, this.key, m)
    ) {
      this.p.log('manifest refused');
      this.stop();
      return;
    }
    if (m.fw === FW) {
      this.report(m.job, 'SUCCEEDED', { job: m.job, fw: FW, st: 'switched' }, () => {});
      this.stop();
      return;
    }
    const saved = this.p.readFile(C.FILES.DOWNLOAD);
    if (saved !== JSON.stringify(m)) {
      this.p.erase(this.slot());
      this.p.writeFile(C.FILES.DOWNLOAD, JSON.stringify(m));
    }
    this.manifest = m;
    this.next = this.resumeAt(m);
    (this.client as MqttClient).subscribe(streamDataTopic(c.device, m.stream), 1, (error) => {
      if (error === null) this.fetch();
      else this.stop();
    });
  }

  /** Blocks already in flash, counted from the start. */
  resumeAt(m: Manifest): number {
    const slot = this.slot();
    if (this.p.fileLength(slot) !== m.size) return 0;
    let i = 0;
    while (
      i * m.block < m.size &&
      this.p.byteAt(slot, Math.min((i + 1) * m.block, m.size) - 1) !== 0xff
    )
      i++;
    return i;
  }

  fetch(): void {
    const m = this.manifest as Manifest;
    if (this.next * m.block >= m.size) {
      this.verify(m);
      return;
    }
    if (this.fetched >= BLOCKS_PER_WAKE || this.p.now() - this.started > C.UPDATE_WAKE_S) {
      this.progress(m, 'downloading');
      this.stop();
      return;
    }
    const ask = { c: `${this.next}`, f: 0, l: m.block, o: this.next, n: 1 };
    (this.client as MqttClient).publish(
      streamGetTopic(this.config.device, m.stream),
      JSON.stringify(ask),
      () => {},
    );
    this.wait();
  }

  verify(m: Manifest): void {
    const slot = this.slot();
    const hash = this.p.hashFile(slot);
    if (!hash || toHex(hash) !== m.sha256) {
      this.p.erase(C.FILES.DOWNLOAD);
      this.p.erase(slot);
      this.report(
        m.job,
        'FAILED',
        { job: m.job, fw: m.fw, st: 'failed', r: 'IMAGE_HASH' },
        () => {},
      );
      this.stop();
      return;
    }
    // The switch is this one record write; the manifest is forgotten only after it.
    this.record({ n: 0, a: 1 - this.boot.a, t: 0, job: m.job, fw: m.fw });
    this.p.erase(C.FILES.DOWNLOAD);
    this.progress(m, 'verifying');
    this.stop();
  }

  progress(m: Manifest, state: string): void {
    this.report(m.job, 'IN_PROGRESS', { job: m.job, fw: m.fw, st: state }, () => {});
  }

  report(job: string, status: string, rep: PendingReport, done: () => void): void {
    const details: { [k: string]: string } = { state: rep.st, fw: `${rep.fw}` };
    if (this.manifest && rep.st === 'downloading') details.block = `${this.next}`;
    if (rep.r) details.reason = rep.r;
    (this.client as MqttClient).publish(
      jobUpdateTopic(this.config.device, job),
      JSON.stringify({ status, statusDetails: details }),
      (error) => {
        if (error === null) done();
      },
    );
  }

  record(next: BootRecord): void {
    this.boot = writeBoot(recordStore(this.p), this.boot, next);
  }

  slot(): string {
    return SLOTS[1 - this.boot.a] as string;
  }

  /** Waits for the next message; silence ends this wake's share of the update. */
  wait(): void {
    this.p.clearTimer(this.timer);
    this.timer = this.p.setTimer(() => this.stop(), C.UPDATE_STEP_MS);
  }

  stop(): void {
    this.p.clearTimer(this.timer);
    this.wanted = false;
    this.busy = false;
    this.manifest = null;
    this.onIdle();
  }
}
