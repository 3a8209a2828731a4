import {
  shadowGetAcceptedTopic,
  shadowGetTopic,
  shadowUpdateTopic,
  UpdateFlag,
} from '#shared/index';
import { C } from './constants.ts';
import type { MqttClient } from './mqtt/client.ts';
import type { Platform } from './platform.ts';
import { recordStore } from './records.ts';
import {
  isVersion,
  readSettings,
  type SettingsRecord,
  saveSettings,
  settingsProblem,
} from './settings.ts';

/**
 * Fetches new settings in the wake whose verified ack says they wait (`upd` SETTINGS bit), once
 * no press waits: Device Shadow get (`state.desired` and its version), checked against the
 * bounds, stored with one flash write, then reported on shadow/update (the applied settings,
 * without Wi-Fi passwords, and `cfg`). Every later press carries the stored version as `cfg`,
 * which is what clears the bit in the cloud; a wake that ends first leaves the bit set, and the
 * next press wake asks again. A document out of bounds is not stored: the button reports it
 * (`refused`, `reason`) and keeps what it has.
 */
export class SettingsSync {
  p: Platform;
  device: string;
  /** What this wake booted with (applied), or stored since. */
  record: SettingsRecord | null;
  client: MqttClient | null;
  wanted: boolean;
  busy: boolean;
  timer: unknown;
  onIdle: () => void;

  constructor(p: Platform, device: string) {
    this.p = p;
    this.device = device;
    this.record = readSettings(recordStore(p));
    this.client = null;
    this.wanted = false;
    this.busy = false;
    this.timer = undefined;
    this.onIdle = () => {};
  }

  /** The settings version stored in flash: `cfg` in every press. */
  version(): number {
    return this.record ? this.record.v : 0;
  }

  /** A verified ack arrived; a firmware still on trial fetches nothing. */
  acked(upd: number | undefined, onTrial: boolean): void {
    if (upd && upd & UpdateFlag.SETTINGS && !onTrial) this.wanted = true;
  }

  /** Whether it has work for this wake; starts it (the connection is free of presses). */
  run(client: MqttClient, onIdle: () => void): boolean {
    if (!this.wanted) return false;
    if (this.busy) return true;
    this.busy = true;
    this.client = client;
    this.onIdle = onIdle;
    const d = this.device;
    client.subscribe(shadowGetAcceptedTopic(d), 1, (error) => {
      if (error !== null) return this.stop();
      client.publish(shadowGetTopic(d), '{}', () => {});
      this.wait();
    });
    return true;
  }

  onMessage(topic: string, payload: string): boolean {
    if (topic !== shadowGetAcceptedTopic(this.device)) return false;
    if (!this.busy) return true;
    let doc: { version?: unknown; state?: { desired?: unknown } } = {};
    try {
      doc = JSON.parse(payload) || {};
    } catch (_error) {
      // Refused below: no version.
    }
    const state = doc.state || {};
    const v = doc.version;
    const desired = state.desired;
    const problem = isVersion(v) ? settingsProblem(desired) : 'version';
    if (problem !== null) {
      this.p.log(`settings refused: ${problem}`);
      this.report({ refused: isVersion(v) ? v : 0, reason: problem });
      return true;
    }
    if ((v as number) > this.version()) {
      this.record = saveSettings(recordStore(this.p), this.record, v as number, desired as object);
    }
    this.report({});
    return true;
  }

  report(extra: object): void {
    const r = this.record;
    const reported = Object.assign({}, r ? r.s : {}, extra) as { [k: string]: unknown };
    reported.cfg = this.version();
    // The cloud keeps the passwords it sent; a report never carries them back.
    if (reported.wifi)
      reported.wifi = (reported.wifi as { ssid: string }[]).map((w) => ({ ssid: w.ssid }));
    this.wait();
    (this.client as MqttClient).publish(
      shadowUpdateTopic(this.device),
      JSON.stringify({ state: { reported } }),
      () => this.stop(),
    );
  }

  /** Waits for the next answer; silence ends this wake's share (the bit brings it back). */
  wait(): void {
    this.p.clearTimer(this.timer);
    this.timer = this.p.setTimer(() => this.stop(), C.UPDATE_STEP_MS);
  }

  /** Ends this wake's share; the connection goes back to the session. */
  stop(): void {
    if (!this.busy) return;
    this.end();
    this.onIdle();
  }

  end(): void {
    this.p.clearTimer(this.timer);
    this.wanted = false;
    this.busy = false;
  }
}
