/**
 * Espruino's timer table, as the real interpreter keeps it: setTimeout and setInterval share
 * one list of ids, a new timer gets the last live id + 1 (1 when none is live), so the id of a
 * timer that already fired is handed out again; clearTimeout/clearInterval with an id clears
 * whichever live timer holds it now, with no argument clears every timer, and with `undefined`
 * throws.
 */
type Fn = () => void;

interface Entry {
  handle: NodeJS.Timeout;
  repeat: boolean;
}

export class EspruinoTimers {
  private readonly live = new Map<number, Entry>();
  /** Host milliseconds per firmware millisecond (the harness runs time faster). */
  private readonly scale: number;
  private readonly run: (fn: Fn) => void;

  constructor(scale: number, run: (fn: Fn) => void) {
    this.scale = scale;
    this.run = run;
  }

  get size(): number {
    return this.live.size;
  }

  setTimeout(fn: Fn, ms: number): number {
    return this.add(fn, ms, false);
  }

  setInterval(fn: Fn, ms: number): number {
    return this.add(fn, ms, true);
  }

  clear(...ids: unknown[]): void {
    if (ids.length === 0) {
      for (const id of [...this.live.keys()]) this.remove(id);
      return;
    }
    if (ids[0] === undefined) {
      throw new Error('clearTimeout(undefined) not allowed. Use clearTimeout() instead');
    }
    this.remove(Number(ids[0]));
  }

  private add(fn: Fn, ms: number, repeat: boolean): number {
    const id = Math.max(0, ...this.live.keys()) + 1;
    const wait = Math.max(0, ms) / this.scale;
    const fire = () => {
      if (!repeat) this.live.delete(id);
      this.run(fn);
    };
    const handle = repeat ? setInterval(fire, wait) : setTimeout(fire, wait);
    this.live.set(id, { handle, repeat });
    return id;
  }

  private remove(id: number): void {
    const entry = this.live.get(id);
    if (!entry) return;
    this.live.delete(id);
    if (entry.repeat) clearInterval(entry.handle);
    else clearTimeout(entry.handle);
  }
}
