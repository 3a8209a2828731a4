/**
 * A virtual button that behaves as the firmware does: it subscribes to its ack topic before it
 * publishes; it increments and persists its sequence number before the first publish of a
 * press; every retry of that press re-sends the same sequence number with `attempt`
 * incremented; a press that got no ack is kept and re-sent (same sequence number) before the
 * next one; and only an ack whose signature checks out is believed. Transport and state store
 * are injected, so tests drive it without a broker or files.
 */
import { join } from 'node:path';
import {
  type Ack,
  ackTopic,
  type ClickType,
  decodeAck,
  encodePress,
  MAX_ATTEMPTS,
  type Outcome,
  pressIngestTopic,
  type Sha256,
  signPress,
  verifyAck,
} from '#shared/index';
import { BATTERY } from '../../core/health/battery.ts';
import { readTextIfExists, writeFileAtomic } from '../../dev/files.ts';
import { VirtualButtonError } from './errors.ts';

/** The publish/subscribe a button needs; mqtt.js locally, aws-iot-device-sdk-v2 against AWS. */
export interface ButtonTransport {
  subscribe(topic: string): Promise<void>;
  /** QoS 1; resolves when the broker acknowledged (PUBACK). */
  publish(topic: string, payload: string): Promise<void>;
  onMessage(handler: (topic: string, payload: string) => void): void;
  close(): Promise<void>;
}

export interface PendingPress {
  seq: number;
  click: ClickType;
  batteryMv: number;
  /** Attempts already made (the next one sends attempt + 1). */
  attempt: number;
}

/** What the firmware keeps in flash: the counter and the press still waiting for its ack. */
export interface ButtonState {
  seq: number;
  pending: PendingPress | null;
}

export interface ButtonStateStore {
  load(deviceId: string): Promise<ButtonState>;
  save(deviceId: string, state: ButtonState): Promise<void>;
}

/** One small JSON file per device under `{dataDir}/buttons/`, written atomically. */
export class FileButtonStateStore implements ButtonStateStore {
  constructor(private readonly dir: string) {}

  static inDataDir(dataDir: string): FileButtonStateStore {
    return new FileButtonStateStore(join(dataDir, 'buttons'));
  }

  pathFor(deviceId: string): string {
    return join(this.dir, `${deviceId}.json`);
  }

  async load(deviceId: string): Promise<ButtonState> {
    const text = await readTextIfExists(this.pathFor(deviceId));
    if (text === null) return { seq: 0, pending: null };
    const parsed = JSON.parse(text) as Partial<ButtonState>;
    return { seq: Number(parsed.seq ?? 0), pending: parsed.pending ?? null };
  }

  async save(deviceId: string, state: ButtonState): Promise<void> {
    await writeFileAtomic(this.pathFor(deviceId), `${JSON.stringify(state)}\n`);
  }
}

export class MemoryButtonStateStore implements ButtonStateStore {
  readonly states = new Map<string, ButtonState>();
  async load(deviceId: string): Promise<ButtonState> {
    const state = this.states.get(deviceId);
    return state ? structuredClone(state) : { seq: 0, pending: null };
  }
  async save(deviceId: string, state: ButtonState): Promise<void> {
    this.states.set(deviceId, structuredClone(state));
  }
}

export interface VirtualButtonDeps {
  deviceId: string;
  deviceKey: Uint8Array;
  keyVersion: number;
  sha256: Sha256;
  transport: ButtonTransport;
  state: ButtonStateStore;
  /** How long to wait for the ack of one attempt before re-sending. */
  ackTimeoutMs?: number;
  /** Attempts per press within one run (the firmware then sleeps and retries on the next wake). */
  maxAttempts?: number;
  /**
   * The firmware and settings versions the button runs: with them it sends version 2 presses,
   * and its acks say what update waits (`upd`). Without them, version 1 as the first firmware.
   */
  firmware?: { fw: number; cfg: number };
  now?: () => number;
  /** Told about each attempt and about acks that were ignored (bad signature, other seq). */
  onEvent?: (event: ButtonEvent) => void;
}

export type ButtonEvent =
  | { kind: 'attempt'; seq: number; attempt: number; click: ClickType }
  | { kind: 'ignored-ack'; why: string };

export interface PressReport {
  seq: number;
  click: ClickType;
  attempt: number;
  outcome: Outcome;
  orderId: string | null;
  latencyMs: number;
  ack: Ack;
}

export class VirtualButton {
  private readonly ackTimeoutMs: number;
  private readonly maxAttempts: number;
  private readonly now: () => number;
  private waiter: { seq: number; resolve: (ack: Ack) => void } | null = null;
  private started = false;

  constructor(private readonly deps: VirtualButtonDeps) {
    this.ackTimeoutMs = deps.ackTimeoutMs ?? 5_000;
    this.maxAttempts = deps.maxAttempts ?? 3;
    this.now = deps.now ?? Date.now;
  }

  /** Subscribes to the ack topic; the firmware does this before its first publish. */
  async start(): Promise<void> {
    if (this.started) return;
    this.deps.transport.onMessage((topic, payload) => this.receive(topic, payload));
    await this.deps.transport.subscribe(ackTopic(this.deps.deviceId));
    this.started = true;
  }

  /** The press a previous run could not deliver, if any. */
  async pending(): Promise<PendingPress | null> {
    return (await this.deps.state.load(this.deps.deviceId)).pending;
  }

  /** Re-sends the undelivered press (same seq, next attempt); null when there is none. */
  async resendPending(): Promise<PressReport | null> {
    const state = await this.deps.state.load(this.deps.deviceId);
    return state.pending ? this.deliver(state.pending) : null;
  }

  /** A new press: the counter is incremented and saved before anything is published. */
  async press(click: ClickType, batteryMv: number = BATTERY.HEALTHY_MV): Promise<PressReport> {
    const state = await this.deps.state.load(this.deps.deviceId);
    if (state.pending) {
      throw new VirtualButtonError(
        'PRESS_PENDING',
        `press ${state.pending.seq} of ${this.deps.deviceId} has not been acknowledged yet: deliver it first (resendPending)`,
        { deviceId: this.deps.deviceId, seq: state.pending.seq },
      );
    }
    const pending: PendingPress = { seq: state.seq + 1, click, batteryMv, attempt: 0 };
    await this.deps.state.save(this.deps.deviceId, { seq: pending.seq, pending });
    return this.deliver(pending);
  }

  private async deliver(pending: PendingPress): Promise<PressReport> {
    if (!this.started) await this.start();
    const { deviceId } = this.deps;
    const startedAt = this.now();
    let current = pending;
    for (let i = 0; i < this.maxAttempts && current.attempt < MAX_ATTEMPTS; i++) {
      current = { ...current, attempt: current.attempt + 1 };
      await this.deps.state.save(deviceId, { seq: current.seq, pending: current });
      const press = signPress(this.deps.sha256, this.deps.deviceKey, {
        device: deviceId,
        seq: current.seq,
        click: current.click,
        battery_mv: current.batteryMv,
        attempt: current.attempt,
        kv: this.deps.keyVersion,
        ...this.deps.firmware,
      });
      this.deps.onEvent?.({
        kind: 'attempt',
        seq: current.seq,
        attempt: current.attempt,
        click: current.click,
      });
      const ack = this.waitForAck(current.seq);
      // A publish that fails (connection lost) counts as an attempt; the wait decides.
      this.deps.transport
        .publish(pressIngestTopic(deviceId), encodePress(press))
        .catch(() => undefined);
      const answer = await ack;
      if (answer) {
        await this.deps.state.save(deviceId, { seq: current.seq, pending: null });
        return {
          seq: current.seq,
          click: current.click,
          attempt: current.attempt,
          outcome: answer.outcome,
          orderId: answer.order ?? null,
          latencyMs: this.now() - startedAt,
          ack: answer,
        };
      }
    }
    throw new VirtualButtonError(
      'NO_ACK',
      `no signed ack for press ${current.seq} of ${deviceId} after ${current.attempt} attempts: is the stack running (npm start)? The press is kept and re-sent with the same sequence number on the next npm run press for this device.`,
      { deviceId, seq: current.seq, attempt: current.attempt },
    );
  }

  private waitForAck(seq: number): Promise<Ack | null> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        if (this.waiter?.seq === seq) this.waiter = null;
        resolve(null);
      }, this.ackTimeoutMs);
      this.waiter = {
        seq,
        resolve: (ack) => {
          clearTimeout(timer);
          this.waiter = null;
          resolve(ack);
        },
      };
    });
  }

  private receive(topic: string, payload: string): void {
    if (topic !== ackTopic(this.deps.deviceId)) return;
    const why = this.accept(payload);
    if (why !== null) this.deps.onEvent?.({ kind: 'ignored-ack', why });
  }

  /** Hands a trustworthy ack for the awaited press to its waiter; otherwise says why not. */
  private accept(payload: string): string | null {
    const { deviceId, sha256, deviceKey } = this.deps;
    const decoded = decodeAck(payload);
    if (!decoded.ok) return `malformed ack (${decoded.reason})`;
    const ack = decoded.message;
    if (ack.device !== deviceId) return `ack for another device ${ack.device}`;
    if (!verifyAck(sha256, deviceKey, ack)) return `ack for press ${ack.seq} with a bad signature`;
    if (!this.waiter || this.waiter.seq !== ack.seq) return `late ack for press ${ack.seq}`;
    this.waiter.resolve(ack);
    return null;
  }
}
