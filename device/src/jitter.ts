import { asciiBytes } from '#shared/index';
import type { Platform } from './platform.ts';

/**
 * A number in [0, 1) that spreads the back-off sleeps of different buttons apart. After a
 * broker outage every button that pressed during it would otherwise retry in lock-step.
 *
 * No random source on the ESP32 is enough by itself: a deep sleep is a reboot, and Espruino's
 * generator behind both Math.random() and E.hwRand() starts from the same fixed seed at every
 * boot there, so every button draws the same numbers after every wake. What does differ is the
 * button's own id, and the moment this wake gave up, in microseconds (radio and broker
 * timing). Hashing them with the random word spreads even nearby inputs over the whole range.
 */
export function jitterDraw(p: Platform, device: string): number {
  const digest = p.sha256(asciiBytes(`${device} ${p.now()} ${p.randomWord()}`));
  // 16 bits: the widest step (30 min) is then spread in 14 ms slices.
  return ((digest[0] as number) * 256 + (digest[1] as number)) / 65536;
}
