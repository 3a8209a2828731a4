/**
 * A simulated ESP32 running the BUILT firmware bundle in a Node vm context with fake Espruino
 * globals. Each boot() is one wake: a fresh context that runs the bundle from the top, as the
 * chip does after deep sleep; only flash (Storage) survives between wakes. Sockets are real
 * Node sockets, so the firmware talks to a real broker.
 *
 * The fakes behave as the real interpreter was seen to (each has a test in
 * espruino-imitation.test.ts): timer ids are reused (espruino-timers.ts); native int
 * parameters are int32, so ESP32.deepSleep(us) wraps past ~35.8 min; net/tls.connect throw
 * synchronously on a refused port or an unknown host; after an upload (`load(".bootcde")`)
 * E.on('init') handlers do not run; Wifi.connect reads only options.password and getDetails()
 * has no channel or BSSID; an exception in a callback is printed and the program carries on;
 * Math.random() and E.hwRand() draw from one generator that starts from the same fixed seed at
 * every boot (espruino-random.ts).
 * A wake that neither sleeps nor has anything left to run (no timer, socket or server) is a
 * chip that stays awake until its battery is flat: its `sleep` promise rejects.
 *
 * Time: timers run `timeScale` times faster than asked, and getTime() advances at the same
 * rate, so the firmware sees consistent seconds. Button edges carry getTime() timestamps;
 * advance() moves that clock forward instantly to simulate a held button or a pause.
 */
import { createHash, createPrivateKey, X509Certificate } from 'node:crypto';
import { EventEmitter } from 'node:events';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import net from 'node:net';
import tls from 'node:tls';
import vm from 'node:vm';
import { PATTERNS, type PatternName } from '../../../device/src/led.ts';
import { EspruinoRandom } from './espruino-random.ts';
import { EspruinoTimers } from './espruino-timers.ts';

export type WakeCause = 'button' | 'timer' | 'power';

export interface BootOptions {
  cause: WakeCause;
  /** The button is still down when the firmware starts (a long press that woke the chip). */
  heldAtBoot?: boolean;
  batteryMv?: number;
  /** Wi-Fi connect attempts that fail before one succeeds (Infinity: the network is gone). */
  wifiFailures?: number;
  /** Every TCP/TLS connection is refused: the broker is down. */
  brokerDown?: boolean;
  /**
   * The boot is the end of an upload (`load(".bootcde")`, as `npm run flash` sends): the code
   * runs but its E.on('init') handlers do not.
   */
  afterUpload?: boolean;
  /** Power is lost right after the wake's n-th Storage write or erase: nothing runs after it. */
  cutAfterWrites?: number;
}

export interface Sleep {
  /** 0: wakes on the button only; else the back-off timer, as the chip received it (int32 µs). */
  timerMs: number;
  /** The wake ended by power loss (cutAfterWrites), not by a deep sleep. */
  powerLost?: boolean;
}

/** Espruino's native int parameters: a JS number passed to C as int32. */
export const toInt32 = (value: number): number => value | 0;

const BUTTON = 'D27';
const LED = 'D2';
const BATTERY = 'D35';
const WAKE_CODES: Record<WakeCause, number> = { button: 2, timer: 4, power: 0 };

export class SimulatedChip {
  /** Flash: the only state that survives a deep sleep. */
  readonly storage = new Map<string, string>();
  readonly bundle: string;
  readonly timeScale: number;

  constructor(bundle: string, timeScale = 5) {
    this.bundle = bundle;
    this.timeScale = timeScale;
  }

  /** Every wake so far, so a test can check that no firmware callback threw. */
  readonly wakes: Wake[] = [];

  boot(options: BootOptions): Wake {
    const wake = new Wake(this, options);
    this.wakes.push(wake);
    return wake;
  }
}

type Fn = (...args: unknown[]) => void;

export class Wake {
  readonly chip: SimulatedChip;
  /** LED patterns played, in order, as on/off durations. */
  readonly leds: number[][] = [];
  readonly logs: string[] = [];
  /** Exceptions thrown inside firmware callbacks (Espruino prints them and carries on). */
  readonly errors: unknown[] = [];
  /** Each Wifi.connect: the options as passed, and the one field ESP32 Espruino reads. */
  readonly wifiJoins: { ssid: string; options: Record<string, unknown>; password: unknown }[] = [];
  accessPoint: { ssid: string; options: Record<string, unknown> } | null = null;
  /**
   * What the chip did, in order: `wifi` (a join starts), `flash <file> <content>`, `publish`
   * (an MQTT PUBLISH leaves on a socket), `sleep`.
   */
  readonly trace: string[] = [];
  readonly sleep: Promise<Sleep>;
  readonly httpPort: Promise<number>;

  private alive = true;
  private down: boolean;
  private offset = 0;
  private readonly started = performance.now();
  private readonly timers: EspruinoTimers;
  /** Callbacks the fakes owe the firmware (Wifi, socket errors), not yet delivered. */
  private owed = 0;
  private readonly sockets = new Set<net.Socket>();
  private readonly servers = new Set<http.Server>();
  private watches: { fn: Fn; pin: unknown }[] = [];
  /** Storage writes and erases this wake, for cutAfterWrites. */
  flashWrites = 0;
  private uncaught: Fn[] = [];
  private wifiFailuresLeft: number;
  private resolveSleep!: (sleep: Sleep) => void;
  private rejectSleep!: (error: Error) => void;
  private resolveHttp!: (port: number) => void;
  private readonly options: BootOptions;

  constructor(chip: SimulatedChip, options: BootOptions) {
    this.chip = chip;
    this.options = options;
    this.down = options.heldAtBoot === true;
    this.wifiFailuresLeft = options.wifiFailures ?? 0;
    this.timers = new EspruinoTimers(chip.timeScale, (fn) => this.guard(fn)());
    this.sleep = new Promise((resolve, reject) => {
      this.resolveSleep = resolve;
      this.rejectSleep = reject;
    });
    // A test that never awaits this wake's sleep must not see an unhandled rejection.
    this.sleep.catch(() => {});
    this.httpPort = new Promise((resolve) => {
      this.resolveHttp = resolve;
    });
    const random = new EspruinoRandom();
    const context = vm.createContext(this.globals(random));
    // Espruino may lack ES2022's Object.hasOwn: run without it, as the firmware must.
    vm.runInContext('delete Object.hasOwn;', context);
    (vm.runInContext('Math', context) as Math).random = () => random.random();
    const inits: Fn[] = [];
    (context as { E: { on: (e: string, f: Fn) => void } }).E.on = (event, fn) => {
      if (event === 'init') inits.push(fn);
    };
    this.guard(() => vm.runInContext(chip.bundle, context, { filename: 'restock.js' }))();
    if (!options.afterUpload) for (const init of inits) this.guard(init)();
  }

  /** Seconds on the firmware's clock. */
  now(): number {
    return ((performance.now() - this.started) * this.chip.timeScale) / 1000 + this.offset;
  }

  /** Moves the firmware's clock forward at once (a held button, a pause between presses). */
  advance(ms: number): void {
    this.offset += ms / 1000;
  }

  press(): void {
    this.down = true;
    this.edge(false);
  }

  release(afterMs = 0): void {
    this.advance(afterMs);
    this.down = false;
    this.edge(true);
  }

  /** A whole short press: a pause, then down for holdMs, then up. */
  click(pauseMs: number, holdMs = 120): void {
    this.advance(pauseMs);
    this.press();
    this.release(holdMs);
  }

  /** Names of the LED patterns shown, leaving out the connecting blinks. */
  shown(): (PatternName | 'unknown')[] {
    const names = Object.keys(PATTERNS) as PatternName[];
    return this.leds
      .map((p) => names.find((n) => PATTERNS[n].join(',') === p.join(',')) ?? 'unknown')
      .filter((n) => n !== 'connecting');
  }

  private edge(state: boolean): void {
    const time = this.now();
    for (const w of this.watches) {
      if (w.pin === BUTTON) this.guard(w.fn)({ state, time, lastTime: time });
    }
  }

  private guard(fn: Fn): Fn {
    return (...args) => {
      if (!this.alive) return;
      try {
        fn(...args);
      } catch (error) {
        // As Espruino: an `uncaughtException` listener gets it; else it is printed.
        const listeners = this.uncaught;
        if (listeners.length === 0) this.errors.push(error);
        for (const listener of listeners) this.guard(listener)(error);
      }
      this.checkAwake();
    };
  }

  /** A callback the fakes deliver later, as the chip's event loop would. */
  private soon(fn: Fn): void {
    this.owed++;
    setImmediate(() => {
      this.owed--;
      this.guard(fn)();
    });
  }

  /** Nothing left that could ever call the firmware again, and it did not sleep. */
  private checkAwake(): void {
    setImmediate(() => {
      if (!this.alive || this.owed > 0 || this.timers.size > 0) return;
      if (this.sockets.size > 0 || this.servers.size > 0) return;
      this.alive = false;
      this.rejectSleep(
        new Error('the chip stays awake with nothing scheduled: it never sleeps again'),
      );
    });
  }

  private enterSleep(timerMs: number, powerLost = false): void {
    if (!this.alive) return;
    this.alive = false;
    this.trace.push(powerLost ? 'power lost' : 'sleep');
    this.timers.clear();
    for (const s of this.sockets) s.destroy();
    for (const s of this.servers) s.close();
    this.resolveSleep(powerLost ? { timerMs, powerLost } : { timerMs });
  }

  /**
   * A flash change: `change` lands unless the power is already gone; when it was the last one
   * before the cut, the wake ends at once — sockets closed, timers gone, nothing written after.
   */
  private flashChange(change: () => void): boolean {
    if (!this.alive) return false;
    this.flashWrites++;
    change();
    if (this.flashWrites === this.options.cutAfterWrites) this.enterSleep(0, true);
    return true;
  }

  private globals(random: EspruinoRandom): Record<string, unknown> {
    const g: Record<string, unknown> = {
      console: { log: (...a: unknown[]) => this.logs.push(a.join(' ')) },
      setTimeout: (fn: Fn, ms: number) => this.timers.setTimeout(fn, ms),
      clearTimeout: (...ids: unknown[]) => this.timers.clear(...ids),
      setInterval: (fn: Fn, ms: number) => this.timers.setInterval(fn, ms),
      clearInterval: (...ids: unknown[]) => this.timers.clear(...ids),
      getTime: () => this.now(),
      atob,
      btoa,
      E: { hwRand: () => random.next() },
      setWatch: (fn: Fn, pin: unknown) => this.watches.push({ fn, pin }),
      clearWatch: (id?: number) => {
        if (id === undefined) this.watches = [];
        else this.watches.splice(id - 1, 1, { fn: () => {}, pin: null });
      },
      pinMode: () => {},
      digitalRead: (pin: unknown) => (pin === BUTTON ? (this.down ? 0 : 1) : 0),
      digitalWrite: () => {},
      digitalPulse: (pin: unknown, _value: number, times: number[]) => {
        if (pin === LED) this.leds.push(Array.prototype.slice.call(times));
      },
      analogRead: (pin: unknown) => (pin === BATTERY ? (this.options.batteryMv ?? 3900) / 6600 : 0),
      ESP32: {
        getWakeupCause: () => WAKE_CODES[this.options.cause],
        deepSleepExt0: () => this.enterSleep(0),
        deepSleep: (us: number) => this.enterSleep(toInt32(us) / 1000),
      },
      require: (name: string) => this.module(name),
      process: {
        on: (event: string, fn: Fn) => {
          if (event === 'uncaughtException') this.uncaught.push(fn);
        },
        removeAllListeners: (event: string) => {
          if (event === 'uncaughtException') this.uncaught = [];
        },
      },
    };
    for (let i = 0; i < 40; i++) g[`D${i}`] = `D${i}`;
    return g;
  }

  private module(name: string): unknown {
    const storage = this.chip.storage;
    switch (name) {
      case 'Storage':
        return {
          read: (n: string, offset = 0, length?: number) => {
            const data = storage.get(n);
            if (data === undefined) return undefined;
            return offset === 0 && length === undefined
              ? data
              : data.substr(offset, length ?? data.length - offset);
          },
          write: (n: string, value: unknown, offset = 0, size?: number) => {
            const data = String(value);
            this.trace.push(`flash ${n} ${data}`);
            // As Espruino: offset 0 (re)creates the file at `size` bytes of erased flash
            // (0xFF); a later offset fills in part of a file that exists.
            const before = offset === 0 ? '\xff'.repeat(size ?? data.length) : storage.get(n);
            if (before === undefined) throw new Error('Unable to find or create file');
            if (offset + data.length > before.length)
              throw new Error('Too much data for file size');
            return this.flashChange(() =>
              storage.set(n, before.slice(0, offset) + data + before.slice(offset + data.length)),
            );
          },
          erase: (n: string) => {
            this.flashChange(() => storage.delete(n));
          },
          list: () => [...storage.keys()],
        };
      case 'crypto':
        return {
          SHA256: (data: Uint8Array | string) => {
            const bytes = typeof data === 'string' ? Buffer.from(data, 'latin1') : data;
            const d = createHash('sha256').update(bytes).digest();
            return d.buffer.slice(d.byteOffset, d.byteOffset + d.length);
          },
        };
      case 'Wifi':
        return this.wifi();
      case 'net':
        return { connect: (o: SocketOpts, cb: Fn) => this.socket(o, cb, false) };
      case 'tls':
        return { connect: (o: SocketOpts, cb: Fn) => this.socket(o, cb, true) };
      case 'http':
        return { createServer: (handler: Fn) => this.httpServer(handler) };
      default:
        throw new Error(`Module ${name} not found`);
    }
  }

  private wifi(): unknown {
    let joined: { ssid: string; password: unknown } | null = null;
    return {
      connect: (ssid: string, options: Record<string, unknown>, cb: Fn) => {
        this.trace.push('wifi');
        this.wifiJoins.push({ ssid, options: { ...options }, password: options.password });
        const fail = this.wifiFailuresLeft > 0;
        if (fail) this.wifiFailuresLeft--;
        else joined = { ssid, password: options.password };
        this.soon(() => cb(fail ? 'Wifi connect failed' : null));
      },
      setIP: (_settings: unknown, cb: Fn) => this.soon(() => cb(null)),
      getDetails: () =>
        joined
          ? { ssid: joined.ssid, password: joined.password, status: 'connected', authMode: 'wpa2' }
          : { status: 'off' },
      disconnect: () => {
        joined = null;
      },
      startAP: (ssid: string, options: Record<string, unknown>, cb: Fn) => {
        this.accessPoint = { ssid, options: { ...options } };
        this.soon(() => cb(null));
      },
    };
  }

  private socket(o: SocketOpts, onConnect: Fn, secure: boolean): unknown {
    const events = new EventEmitter();
    const emit = (event: string, arg?: unknown) => this.guard(() => events.emit(event, arg))();
    const facade = {
      on: (event: string, fn: Fn) => events.on(event, fn),
      write: (data: string) => {
        if ((data.charCodeAt(0) & 0xf0) === 0x30) this.trace.push('publish');
        if (node && !node.destroyed) node.write(Buffer.from(data, 'latin1'));
      },
      end: () => node?.end(),
    };
    let node: net.Socket | null = null;
    // Espruino throws at once, with no error or close event to follow.
    if (net.isIP(o.host) === 0 && o.host !== 'localhost') {
      throw new Error('InternalError: Unable to locate host');
    }
    if (this.options.brokerDown) throw new Error('InternalError: Unable to create socket');
    const s = secure
      ? tls.connect({
          host: o.host,
          port: o.port,
          // Espruino does not verify the server; neither does its stand-in.
          rejectUnauthorized: false,
          cert: o.cert ? derToPem(o.cert, 'CERTIFICATE') : undefined,
          key: o.key ? derKeyToPem(o.key) : undefined,
        })
      : net.connect({ host: o.host, port: o.port });
    node = s;
    this.sockets.add(s);
    s.on(secure ? 'secureConnect' : 'connect', () => this.guard(onConnect)());
    s.on('data', (d: Buffer) => emit('data', d.toString('latin1')));
    s.on('error', (e) => emit('error', { message: e.message }));
    s.on('close', () => {
      this.sockets.delete(s);
      emit('close');
    });
    return facade;
  }

  private httpServer(handler: Fn): unknown {
    return {
      listen: () => {
        const server = http.createServer((req, res) => {
          const events = new EventEmitter();
          const request = {
            method: req.method,
            url: req.url,
            on: (event: string, fn: Fn) => events.on(event, fn),
          };
          const response = {
            writeHead: (status: number, headers: Record<string, string>) =>
              res.writeHead(status, headers),
            write: (data: string) => res.write(Buffer.from(data, 'latin1')),
            end: (data?: string) =>
              res.end(data === undefined ? undefined : Buffer.from(data, 'latin1')),
          };
          this.guard(handler)(request, response);
          req.on('data', (d: Buffer) =>
            this.guard(() => events.emit('data', d.toString('latin1')))(),
          );
          req.on('end', () => this.guard(() => events.emit('end'))());
        });
        this.servers.add(server);
        server.listen(0, '127.0.0.1', () => {
          this.resolveHttp((server.address() as AddressInfo).port);
        });
      },
    };
  }
}

interface SocketOpts {
  host: string;
  port: number;
  cert?: string;
  key?: string;
}

function derToPem(der: string, label: string): string {
  const body = Buffer.from(der, 'latin1')
    .toString('base64')
    .replace(/(.{64})/g, '$1\n');
  return `-----BEGIN ${label}-----\n${body}\n-----END ${label}-----\n`;
}

function derKeyToPem(der: string): string {
  const key = Buffer.from(der, 'latin1');
  for (const type of ['pkcs8', 'pkcs1', 'sec1'] as const) {
    try {
      return createPrivateKey({ key, format: 'der', type })
        .export({ format: 'pem', type: 'pkcs8' })
        .toString();
    } catch {
      // try the next encoding
    }
  }
  throw new Error('unreadable private key');
}

/** A certificate from flash (DER) as Node reads it; used by tests that check what was written. */
export function derCertificate(der: string): X509Certificate {
  return new X509Certificate(Buffer.from(der, 'latin1'));
}
