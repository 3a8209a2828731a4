/**
 * A Map that holds at most `capacity` entries, for the caches in front of the store. Adding a
 * key when full drops the entry set longest ago; setting a key it already holds keeps the size
 * and moves that key to the newest place. A cache exactly as large as its working set (10 000
 * buttons, 10 000 entries) therefore keeps all of it; emptied whenever full, it would be emptied
 * by the first set after it filled and refill with lookups that all miss.
 */
export class BoundedMap<K, V> {
  private readonly entries = new Map<K, V>();

  constructor(readonly capacity: number) {}

  get(key: K): V | undefined {
    return this.entries.get(key);
  }

  set(key: K, value: V): void {
    if (!this.entries.delete(key) && this.entries.size >= this.capacity) {
      const oldest = this.entries.keys().next();
      if (!oldest.done) this.entries.delete(oldest.value);
    }
    this.entries.set(key, value);
  }

  delete(key: K): boolean {
    return this.entries.delete(key);
  }

  get size(): number {
    return this.entries.size;
  }
}
