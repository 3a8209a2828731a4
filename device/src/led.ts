import type { Platform } from './platform.ts';

/**
 * What the LED shows, as on/off durations in ms starting with "on". README.md has the same
 * table in words; the harness reads the pulses back through this table.
 */
export const PATTERNS = {
  connecting: [80, 420],
  ordered: [2000],
  inProgress: [400, 200, 400],
  needsConfirmation: [400, 200, 400, 200, 400],
  cancelled: [100, 100, 100, 100, 100, 100, 100],
  outOfStock: [1000, 300, 200, 300, 1000],
  rejected: [60, 60, 60, 60, 60, 60, 60, 60, 60],
  noWifi: [150, 150, 150, 150, 1500],
  noBroker: [150, 150, 1500],
  lowBattery: [50, 950, 50, 950, 50],
  setup: [1000, 1000],
  saved: [100, 100, 2000],
};

export type PatternName = keyof typeof PATTERNS;

/** Pause between two patterns so they read as two. */
const GAP_MS = 400;

function total(pattern: number[]): number {
  let ms = 0;
  for (const d of pattern) ms += d;
  return ms;
}

/**
 * Plays patterns one after the other; a looping pattern (connecting, setup) repeats until
 * stop() or the next show().
 */
export class Led {
  p: Platform;
  queue: PatternName[];
  timer: unknown;
  repeat: unknown;
  playing: boolean;
  onIdle: () => void;
  /** Brightness in percent: each "on" pulse is that share of its width; the rhythm stays. */
  brightness: number;

  constructor(platform: Platform, onIdle: () => void, brightness: number) {
    this.p = platform;
    this.brightness = brightness;
    this.queue = [];
    this.timer = undefined;
    this.repeat = undefined;
    this.playing = false;
    this.onIdle = onIdle;
  }

  play(pattern: number[]): void {
    const b = this.brightness;
    if (b >= 100) this.p.led(pattern);
    else if (b > 0) this.p.led(pattern.map((ms, i) => (i % 2 ? ms : Math.round((ms * b) / 100))));
  }

  busy(): boolean {
    return this.playing || this.queue.length > 0;
  }

  loop(name: PatternName): void {
    this.stop();
    const pattern = PATTERNS[name];
    this.play(pattern);
    this.repeat = this.p.setRepeat(() => this.play(pattern), total(pattern));
  }

  stop(): void {
    this.p.clearRepeat(this.repeat);
    this.repeat = undefined;
  }

  show(name: PatternName): void {
    this.stop();
    this.queue.push(name);
    if (!this.playing) this.next();
  }

  next(): void {
    const name = this.queue.shift();
    if (name === undefined) {
      this.playing = false;
      this.onIdle();
      return;
    }
    this.playing = true;
    const pattern = PATTERNS[name];
    this.play(pattern);
    this.p.clearTimer(this.timer);
    this.timer = this.p.setTimer(() => this.next(), total(pattern) + GAP_MS);
  }
}
