/**
 * Everything the firmware needs from the hardware, in one small interface. espruino.ts is the
 * only implementation on the chip; the code above this line is plain logic.
 */

export interface ButtonEdge {
  pressed: boolean;
  /** Seconds, from the watch event, so click timing does not depend on callback latency. */
  time: number;
}

export type WakeCause = 'button' | 'timer' | 'power';

export interface SocketOptions {
  host: string;
  port: number;
  tls: boolean;
  /** DER strings read from flash, only with tls. */
  ca?: string | undefined;
  cert?: string | undefined;
  key?: string | undefined;
}

export interface SocketEvents {
  onConnect(): void;
  onData(data: string): void;
  /** Called once, whether the socket closed cleanly, failed or never connected. */
  onClose(): void;
}

export interface Socket {
  write(data: string): void;
  end(): void;
}

export interface WifiOptions {
  ssid: string;
  password: string;
  /** A static address skips DHCP; all three or none. */
  ip?: string | undefined;
  gw?: string | undefined;
  netmask?: string | undefined;
}

export interface HttpRequest {
  method: string;
  url: string;
  body: string;
}

export type HttpRespond = (status: number, contentType: string, body: string) => void;

export interface Platform {
  /** Seconds, same clock as ButtonEdge.time. */
  now(): number;
  /**
   * 32 random bits (an unsigned integer) from `E.hwRand()`. Noise from the hardware on nRF5x
   * and STM32; on the ESP32 it is Espruino's own generator, which starts from the same fixed
   * seed at every boot (a deep sleep is a reboot), so it alone never tells two buttons apart.
   */
  randomWord(): number;
  /** The handle may be cleared after its timer fired: that does nothing. */
  setTimer(fn: () => void, ms: number): unknown;
  clearTimer(id: unknown): void;
  setRepeat(fn: () => void, ms: number): unknown;
  clearRepeat(id: unknown): void;

  wakeCause(): WakeCause;
  /** Replaces any earlier watch. */
  watchButton(onEdge: (edge: ButtonEdge) => void): void;
  buttonPressed(): boolean;
  /** Plays on/off durations (ms), starting with on. */
  led(pattern: number[]): void;
  batteryMv(): number;

  readFile(name: string): string | undefined;
  writeFile(name: string, data: string): void;
  /** Writes part of a file of `size` bytes; offset 0 creates it anew (the rest reads 0xFF). */
  writeAt(name: string, data: string, offset: number, size: number): void;
  erase(name: string): void;
  /** -1 when the file does not exist. */
  fileLength(name: string): number;
  byteAt(name: string, offset: number): number;
  /** SHA-256 of a whole file, read from flash without copying it into variables. */
  hashFile(name: string): Uint8Array | null;
  fromBase64(text: string): string;
  sha256(data: Uint8Array): Uint8Array;

  wifiConnect(options: WifiOptions, done: (error: string | null) => void): void;
  wifiOff(): void;
  startAccessPoint(ssid: string, password: string, done: (error: string | null) => void): void;
  serveHttp(port: number, handle: (request: HttpRequest, respond: HttpRespond) => void): void;
  openSocket(options: SocketOptions, events: SocketEvents): Socket;

  /** Never returns on the chip. timerMs 0: wake on the button only. */
  deepSleep(timerMs: number): void;
  log(message: string): void;
}
