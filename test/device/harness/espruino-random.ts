/**
 * Espruino's random numbers, as the real interpreter makes them (src/jsutils.c): one
 * multiply-with-carry generator, `rand()`, whose state starts from fixed constants. Nothing
 * seeds it at start-up on the ESP32 or the Linux port, and `E.hwRand()` is that same `rand()`
 * there (jshGetRandomNumber in targets/esp32/jshardware.c), so Math.random() and E.hwRand()
 * share one sequence that starts over at every boot — and a deep sleep is a boot.
 */
const RAND_MAX = 0x7fffffff;

export class EspruinoRandom {
  private w = 0xdeadbeef;
  private z = 0xcafebabe;

  /** `rand()`: 31 bits, as an int. */
  next(): number {
    this.z = (Math.imul(36969, this.z & 0xffff) + (this.z >>> 16)) >>> 0;
    this.w = (Math.imul(18000, this.w & 0xffff) + (this.w >>> 16)) >>> 0;
    return (((this.z << 16) + this.w) >>> 0) & RAND_MAX;
  }

  /** `Math.random()`: rand() / (RAND_MAX + 1). */
  random(): number {
    return this.next() / (RAND_MAX + 1);
  }
}
