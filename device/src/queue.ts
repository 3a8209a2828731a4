import { MAX_ATTEMPTS, MAX_SEQUENCE } from '#shared/index';
import { C } from './constants.ts';

export interface QueuedPress {
  seq: number;
  click: string;
  battery_mv: number;
  /** Delivery attempts made so far; the next publish signs attempt + 1. */
  attempt: number;
}

interface QueueState {
  /** The last sequence number handed out; only ever grows. */
  seq: number;
  /** Wakes in a row that ended with presses undelivered, for the back-off. */
  fails: number;
  items: QueuedPress[];
}

export interface FileStore {
  readFile(name: string): string | undefined;
  writeFile(name: string, data: string): void;
}

/**
 * Presses not yet acknowledged, oldest first, and the sequence counter, in one flash file.
 * Every change is written before the caller acts on it: a sequence number is persisted before
 * its first publish, and an attempt before the publish that carries it.
 */
export class PressQueue {
  store: FileStore;
  state: QueueState;

  constructor(store: FileStore) {
    this.store = store;
    this.state = { seq: 0, fails: 0, items: [] };
    const raw = store.readFile(C.FILES.QUEUE);
    if (raw) {
      try {
        const parsed = JSON.parse(raw) as QueueState;
        if (typeof parsed.seq === 'number' && Array.isArray(parsed.items)) this.state = parsed;
      } catch (_error) {
        // A torn write leaves nothing to recover; the cloud rejects stale sequence numbers.
      }
    }
  }

  save(): void {
    this.store.writeFile(C.FILES.QUEUE, JSON.stringify(this.state));
  }

  size(): number {
    return this.state.items.length;
  }

  head(): QueuedPress | undefined {
    return this.state.items[0];
  }

  /** Null when the queue is full: the presses already waiting are kept, this one is refused. */
  add(click: string, batteryMv: number): QueuedPress | null {
    if (this.state.items.length >= C.QUEUE_MAX || this.state.seq >= MAX_SEQUENCE) return null;
    const press = { seq: this.state.seq + 1, click, battery_mv: batteryMv, attempt: 0 };
    this.state.seq = press.seq;
    this.state.items.push(press);
    this.save();
    return press;
  }

  /** Counts one more delivery attempt of the head and persists it; returns the new count. */
  nextAttempt(press: QueuedPress): number {
    if (press.attempt < MAX_ATTEMPTS) press.attempt++;
    this.save();
    return press.attempt;
  }

  remove(seq: number): void {
    this.state.items = this.state.items.filter((p) => p.seq !== seq);
    this.state.fails = 0;
    this.save();
  }

  /**
   * Records a wake that could not deliver; returns how long to sleep before the next try. The
   * step doubles per failed wake from BACKOFF_BASE_MS up to BACKOFF_MAX_MS, and the sleep is
   * between half and all of it ("equal jitter"), as `draw` in [0, 1) says: buttons that failed
   * together (a broker outage) come back spread out, and none sleeps past the cap.
   */
  backoffMs(draw: number): number {
    this.state.fails++;
    this.save();
    // biome-ignore lint/style/useExponentiationOperator: Espruino cannot parse `**`
    const step = Math.min(C.BACKOFF_BASE_MS * Math.pow(2, this.state.fails - 1), C.BACKOFF_MAX_MS);
    return Math.floor((step * (1 + draw)) / 2);
  }
}
