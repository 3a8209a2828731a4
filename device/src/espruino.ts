import { C } from './constants.ts';
import type { HttpRespond, Platform, SocketEvents, SocketOptions, WakeCause } from './platform.ts';

/*
 * The only file that touches Espruino. Its globals are typed here and read from the global
 * object, so the project's one tsconfig (with Node's types) stays free of Espruino ambient
 * declarations, and esbuild does not try to bundle require('Storage') and friends.
 */

interface Emitter {
  on(event: string, fn: (arg: unknown) => void): void;
}
interface EspSocket extends Emitter {
  write(data: string): void;
  end(): void;
}
interface EspModules {
  Storage: {
    read(name: string, offset?: number, length?: number): string | undefined;
    write(name: string, data: string, offset?: number, size?: number): boolean;
    erase(name: string): void;
  };
  Wifi: {
    connect(ssid: string, options: { password: string }, cb: (error: unknown) => void): void;
    setIP(settings: object, cb: (error: unknown) => void): void;
    disconnect(): void;
    startAP(ssid: string, options: object, cb: (error: unknown) => void): void;
  };
  net: { connect(options: object, cb: () => void): EspSocket };
  tls: { connect(options: object, cb: () => void): EspSocket };
  http: {
    createServer(
      fn: (
        req: Emitter & { method: string; url: string },
        res: { writeHead(status: number, headers: object): void; end(body: string): void },
      ) => void,
    ): { listen(port: number): void };
  };
  crypto: { SHA256(data: Uint8Array | string): ArrayBuffer };
}
interface EspGlobals {
  require<K extends keyof EspModules>(name: K): EspModules[K];
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(id: unknown): void;
  setInterval(fn: () => void, ms: number): unknown;
  clearInterval(id: unknown): void;
  getTime(): number;
  setWatch(fn: (e: { state: boolean; time: number }) => void, pin: unknown, opts: object): unknown;
  clearWatch(id: unknown): void;
  pinMode(pin: unknown, mode: string): void;
  digitalRead(pin: unknown): number;
  digitalWrite(pin: unknown, value: number): void;
  digitalPulse(pin: unknown, value: number, times: number[]): void;
  analogRead(pin: unknown): number;
  ESP32: {
    getWakeupCause(): number;
    deepSleepExt0(pin: unknown, level: number): void;
    deepSleep(us: number): void;
  };
  E: { on(event: string, fn: () => void): void; hwRand(): number };
  console: { log(message: string): void };
  atob(text: string): string;
  [name: string]: unknown;
}

const g = (typeof globalThis !== 'undefined' ? globalThis : global) as unknown as EspGlobals;

/** ESP_SLEEP_WAKEUP_EXT0 and ESP_SLEEP_WAKEUP_TIMER. */
const WAKE_EXT0 = 2;
const WAKE_TIMER = 4;

/** The longest deep sleep ESP32.deepSleep can take: its `us` is a native int32 (~35.8 min). */
const MAX_SLEEP_US = 2147483647;

/**
 * Runs fn once per boot. On a wake or reset Espruino runs the saved code, then fires
 * E.on('init'); right after an upload, `load(".bootcde")` runs the code but fires no 'init'
 * until the next reset. The timeout starts it in that case; on a normal boot 'init' comes
 * first and the timeout finds it started.
 */
export function onBoot(fn: () => void): void {
  let started = false;
  const start = () => {
    if (started) return;
    started = true;
    fn();
  };
  g.E.on('init', start);
  g.setTimeout(start, 0);
}

/**
 * Espruino hands out the last live timer id + 1, so the id of a timer that already fired may
 * belong to another, live timer: a handle remembers whether its timer is still pending, and
 * clearing a spent handle does nothing.
 */
interface TimerHandle {
  id: unknown;
  pending: boolean;
}

function startTimer(fn: () => void, ms: number): TimerHandle {
  const handle: TimerHandle = { id: undefined, pending: true };
  handle.id = g.setTimeout(() => {
    handle.pending = false;
    fn();
  }, ms);
  return handle;
}

function stopTimer(handle: unknown): void {
  const h = handle as TimerHandle | undefined;
  if (h === undefined || !h.pending) return;
  h.pending = false;
  g.clearTimeout(h.id);
}

function socketEvents(socket: EspSocket, events: SocketEvents): void {
  let closed = false;
  const close = () => {
    if (closed) return;
    closed = true;
    events.onClose();
  };
  socket.on('data', (data) => events.onData(data as string));
  socket.on('close', close);
  socket.on('error', close);
  socket.on('end', close);
}

export function createEspruinoPlatform(): Platform {
  const pin = (name: string) => g[name];
  const button = pin(C.BUTTON_PIN);
  const led = pin(C.LED_PIN);
  let watch: unknown;
  const storage = g.require('Storage');
  const wifi = g.require('Wifi');

  return {
    now: () => g.getTime(),
    // hwRand returns an int32; the port promises an unsigned word.
    randomWord: () => g.E.hwRand() >>> 0,
    setTimer: startTimer,
    clearTimer: stopTimer,
    setRepeat: (fn, ms) => g.setInterval(fn, ms),
    clearRepeat: (id) => {
      if (id !== undefined) g.clearInterval(id);
    },

    wakeCause: (): WakeCause => {
      const cause = g.ESP32.getWakeupCause();
      if (cause === WAKE_EXT0) return 'button';
      return cause === WAKE_TIMER ? 'timer' : 'power';
    },
    watchButton: (onEdge) => {
      if (watch !== undefined) g.clearWatch(watch);
      g.pinMode(button, 'input_pullup');
      watch = g.setWatch((e) => onEdge({ pressed: !e.state, time: e.time }), button, {
        edge: 'both',
        repeat: true,
        debounce: C.DEBOUNCE_MS,
      });
    },
    buttonPressed: () => g.digitalRead(button) === 0,
    led: (pattern) => g.digitalPulse(led, 1, pattern),
    batteryMv: () => Math.round(g.analogRead(pin(C.BATTERY_PIN)) * C.BATTERY_SCALE_MV),

    readFile: (name) => {
      const data = storage.read(name);
      // Storage.read returns a view into flash; a copy keeps it valid after a rewrite.
      return data === undefined ? undefined : `${data}`;
    },
    writeFile: (name, data) => {
      storage.write(name, data);
    },
    writeAt: (name, data, offset, size) => {
      storage.write(name, data, offset, size);
    },
    erase: (name) => storage.erase(name),
    fileLength: (name) => {
      const data = storage.read(name);
      return data === undefined ? -1 : data.length;
    },
    byteAt: (name, offset) => {
      const data = storage.read(name, offset, 1);
      return data ? data.charCodeAt(0) : -1;
    },
    hashFile: (name) => {
      const data = storage.read(name);
      return data === undefined ? null : new Uint8Array(g.require('crypto').SHA256(data));
    },
    fromBase64: (text) => g.atob(text),
    sha256: (data) => new Uint8Array(g.require('crypto').SHA256(data)),

    wifiConnect: (o, done) => {
      // ESP32 Espruino reads only the password: no channel or BSSID to skip the scan with.
      const join = () =>
        wifi.connect(o.ssid, { password: o.password }, (e) => done(e ? String(e) : null));
      if (o.ip) wifi.setIP({ ip: o.ip, gw: o.gw, netmask: o.netmask }, join);
      else join();
    },
    wifiOff: () => wifi.disconnect(),
    startAccessPoint: (ssid, password, done) =>
      wifi.startAP(
        ssid,
        password ? { password, authMode: 'wpa2' } : { authMode: 'open' },
        (e: unknown) => done(e ? String(e) : null),
      ),
    serveHttp: (port, handle) => {
      g.require('http')
        .createServer((req, res) => {
          let body = '';
          let ended = false;
          const respond: HttpRespond = (status, type, text) => {
            res.writeHead(status, { 'Content-Type': type, Connection: 'close' });
            res.end(text);
          };
          const end = () => {
            if (ended) return;
            ended = true;
            handle({ method: req.method, url: req.url, body }, respond);
          };
          req.on('data', (d) => {
            if (body.length < 1024) body += d as string;
          });
          req.on('end', end);
          req.on('close', end);
        })
        .listen(port);
    },
    openSocket: (o: SocketOptions, events: SocketEvents) => {
      const options = o.tls
        ? { host: o.host, port: o.port, ca: o.ca, cert: o.cert, key: o.key }
        : { host: o.host, port: o.port };
      let socket: EspSocket;
      try {
        socket = g.require(o.tls ? 'tls' : 'net').connect(options, events.onConnect);
      } catch (error) {
        // A refused port or an unknown host throws here, with no event to follow: report the
        // close at once, as a failed connection does, instead of waiting for a timeout.
        g.console.log(`connect: ${error}`);
        g.setTimeout(events.onClose, 0);
        return { write: () => {}, end: () => {} };
      }
      socketEvents(socket, events);
      return socket;
    },

    deepSleep: (timerMs) => {
      if (watch !== undefined) g.clearWatch(watch);
      watch = undefined;
      g.digitalWrite(led, 0);
      // Espruino's calls each start the sleep at once, so one wake source per sleep: the
      // button when nothing is pending, the back-off timer while a press waits in flash.
      if (timerMs > 0) g.ESP32.deepSleep(Math.min(timerMs * 1000, MAX_SLEEP_US));
      else g.ESP32.deepSleepExt0(button, 0);
    },
    log: (message) => g.console.log(message),
  };
}
