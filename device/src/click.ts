import { C } from './constants.ts';
import type { ButtonEdge } from './platform.ts';

export type Click = 'SINGLE' | 'DOUBLE' | 'LONG' | 'SETUP';

export interface ClickOptions {
  setTimer(fn: () => void, ms: number): unknown;
  clearTimer(id: unknown): void;
  onClick(click: Click): void;
  /** The double-click window and the hold that makes a LONG (settings; C's when absent). */
  doubleMs?: number | undefined;
  longMs?: number | undefined;
}

/**
 * Turns button edges into clicks. Durations come from the edges' own timestamps, so a busy
 * interpreter cannot turn a short press into a long one; timers only close a click that no
 * further edge will close (the double-click gap, the setup hold).
 */
export class ClickDetector {
  o: ClickOptions;
  /** Start of the press being held, or -1. */
  downAt: number;
  /** Release time of a short press that may still become a DOUBLE, or -1. */
  shortAt: number;
  /** The held press is the second of a DOUBLE. */
  second: boolean;
  /** The held press already reported SETUP; its release is ignored. */
  reported: boolean;
  gapTimer: unknown;
  holdTimer: unknown;
  doubleMs: number;
  longMs: number;

  constructor(options: ClickOptions) {
    this.o = options;
    this.doubleMs = options.doubleMs || C.DOUBLE_GAP_MS;
    this.longMs = options.longMs || C.LONG_MS;
    this.downAt = -1;
    this.shortAt = -1;
    this.second = false;
    this.reported = false;
    this.gapTimer = undefined;
    this.holdTimer = undefined;
  }

  /** True when no press is held and no click is waiting to be closed. */
  idle(): boolean {
    return this.downAt < 0 && this.shortAt < 0;
  }

  /**
   * The press that woke the chip happened before this code ran. If the button is still down,
   * its start is now; if it is already up, it was a short press that ended just now.
   */
  wake(stillPressed: boolean, now: number): void {
    this.edge({ pressed: true, time: now });
    if (!stillPressed) this.edge({ pressed: false, time: now });
  }

  edge(e: ButtonEdge): void {
    if (e.pressed) this.down(e.time);
    else this.up(e.time);
  }

  down(time: number): void {
    if (this.downAt >= 0) return;
    this.second = false;
    if (this.shortAt >= 0) {
      this.o.clearTimer(this.gapTimer);
      if ((time - this.shortAt) * 1000 <= this.doubleMs) this.second = true;
      else this.emit('SINGLE');
      this.shortAt = -1;
    }
    this.downAt = time;
    this.reported = false;
    this.o.clearTimer(this.holdTimer);
    // Tell the user setup mode has started while they still hold the button.
    this.holdTimer = this.o.setTimer(() => {
      if (this.downAt < 0) return;
      this.reported = true;
      this.setupReached();
    }, C.SETUP_MS);
  }

  up(time: number): void {
    if (this.downAt < 0) return;
    this.o.clearTimer(this.holdTimer);
    const heldMs = (time - this.downAt) * 1000;
    this.downAt = -1;
    if (this.reported) return;
    if (heldMs >= C.SETUP_MS) {
      this.setupReached();
    } else if (heldMs >= this.longMs) {
      if (this.second) this.emit('SINGLE');
      this.emit('LONG');
    } else if (this.second) {
      this.emit('DOUBLE');
    } else {
      this.shortAt = time;
      this.o.clearTimer(this.gapTimer);
      this.gapTimer = this.o.setTimer(() => {
        if (this.shortAt < 0 || this.downAt >= 0) return;
        this.shortAt = -1;
        this.emit('SINGLE');
      }, this.doubleMs);
    }
  }

  setupReached(): void {
    // A first short press before the hold still counts as the SINGLE it was.
    if (this.second) this.emit('SINGLE');
    this.second = false;
    this.emit('SETUP');
  }

  emit(click: Click): void {
    this.o.onClick(click);
  }
}
