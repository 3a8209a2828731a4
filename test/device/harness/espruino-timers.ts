/**
 * Espruino's timer table, as the real interpreter keeps it (src/jsinteractive.c): setTimeout
 * and setInterval share one list; a new timer gets the id of the last one in the list + 1 (1
 * when the list is empty); a timeout leaves the list after its callback returns. So once the
 * newest timer has fired, its id is handed out again, and clearTimeout on the old handle
 * cancels the new timer. clearTimeout/clearInterval with no argument clear every timer, and
 * with `undefined` throw.
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
      this.run(fn);
      if (!repeat && this.live.get(id) === entry) this.live.delete(id);
    };
    const entry: Entry = {
      handle: repeat ? setInterval(fire, wait) : setTimeout(fire, wait),
      repeat,
    };
    this.live.set(id, entry);
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
