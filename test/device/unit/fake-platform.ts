/**
 * A Platform for unit tests of the firmware's plain code: a manual clock (nothing happens
 * until advance()), flash in a Map, and sockets connected in memory to a scripted MQTT peer
 * that answers CONNECT, SUBSCRIBE and PUBLISH and lets the test answer each press with an ack
 * (delivered only while the broker's session for the chip holds the ack subscription),
 * the way MQTT.js tests its client over an in-memory duplex. Timer handles are spent once
 * their timer fired, and clearing a spent handle does nothing, as the Platform contract says.
 */
import { createHash } from 'node:crypto';
import type {
  ButtonEdge,
  Platform,
  Socket,
  SocketEvents,
  SocketOptions,
  WakeCause,
  WifiOptions,
} from '../../../device/src/platform.ts';

interface Timer {
  at: number;
  fn: () => void;
  every: number;
  live: boolean;
}

export interface PublishedPress {
  topic: string;
  payload: string;
}

/** Returns the ack to send back for a press (topic and payload), or null to stay silent. */
export type Responder = (press: PublishedPress) => { topic: string; payload: string } | null;

export class FakePlatform implements Platform {
  ms = 0;
  cause: WakeCause = 'button';
  pressed = false;
  battery = 3900;
  /**
   * What randomWord() returns: unless set, the first word E.hwRand() gives after any boot of
   * an ESP32, where Espruino's generator starts from a fixed seed.
   */
  word = 2002641757;
  wifiJoinMs = 1000;
  brokerUp = true;
  /** What the broker's CONNACK says: it resumed the chip's persistent session. */
  sessionPresent = false;
  /** The broker's session for the chip holds the ack subscription (it outlives a connection). */
  ackSubscribed = false;
  /** Each SUBSCRIBE the chip sent: topic and requested QoS. */
  readonly subscriptions: { topic: string; qos: number }[] = [];
  /** Each PUBLISH topic, in order. */
  readonly publishTopics: string[] = [];
  responder: Responder = () => null;
  readonly files = new Map<string, string>();
  readonly leds: number[][] = [];
  readonly logs: string[] = [];
  /** What happened, in order: `wifi`, `flash <name>`, `publish <payload>`, `sleep <ms>`. */
  readonly trace: string[] = [];
  sleptMs: number | null = null;
  /** The networks in range (a join to any other fails); all of them when null. */
  ssids: string[] | null = null;
  /** The SSID of each Wi-Fi join, in order. */
  readonly joins: string[] = [];
  private readonly timers: Timer[] = [];
  private onEdge: ((edge: ButtonEdge) => void) | null = null;

  now = () => this.ms / 1000;
  randomWord = () => this.word;
  setTimer = (fn: () => void, ms: number) => this.add(fn, ms, 0);
  clearTimer = (handle: unknown) => {
    if (handle) (handle as Timer).live = false;
  };
  setRepeat = (fn: () => void, ms: number) => this.add(fn, ms, ms);
  clearRepeat = (handle: unknown) => this.clearTimer(handle);

  /** Runs every timer due within the next `ms`, in time order. */
  advance(ms: number): void {
    const end = this.ms + ms;
    for (;;) {
      const due = this.timers.filter((t) => t.live && t.at <= end).sort((a, b) => a.at - b.at)[0];
      if (!due || this.sleptMs !== null) break;
      this.ms = due.at;
      if (due.every > 0) due.at += due.every;
      else due.live = false;
      due.fn();
    }
    this.ms = end;
  }

  edge(pressed: boolean): void {
    this.pressed = pressed;
    this.onEdge?.({ pressed, time: this.now() });
  }

  wakeCause = () => this.cause;
  watchButton = (onEdge: (edge: ButtonEdge) => void) => {
    this.onEdge = onEdge;
  };
  buttonPressed = () => this.pressed;
  led = (pattern: number[]) => {
    this.leds.push(pattern);
  };
  batteryMv = () => this.battery;

  readFile = (name: string) => this.files.get(name);
  writeFile = (name: string, data: string) => {
    this.trace.push(`flash ${name}`);
    this.files.set(name, data);
  };
  writeAt = (name: string, data: string, offset: number, size: number) => {
    this.trace.push(`flash ${name}`);
    const before = offset === 0 ? '\xff'.repeat(size) : (this.files.get(name) ?? '');
    this.files.set(name, before.slice(0, offset) + data + before.slice(offset + data.length));
  };
  erase = (name: string) => {
    this.files.delete(name);
  };
  fileLength = (name: string) => this.files.get(name)?.length ?? -1;
  byteAt = (name: string, offset: number) => this.files.get(name)?.charCodeAt(offset) ?? -1;
  hashFile = (name: string) => {
    const data = this.files.get(name);
    return data === undefined
      ? null
      : new Uint8Array(createHash('sha256').update(data, 'latin1').digest());
  };
  fromBase64 = (text: string) => Buffer.from(text, 'base64').toString('latin1');
  sha256 = (data: Uint8Array) => new Uint8Array(createHash('sha256').update(data).digest());

  wifiConnect = (options: WifiOptions, done: (error: string | null) => void) => {
    this.trace.push('wifi');
    this.joins.push(options.ssid);
    const inRange = this.ssids === null || this.ssids.includes(options.ssid);
    this.add(() => done(inRange ? null : 'no such network'), this.wifiJoinMs, 0);
  };
  wifiOff = () => {};
  startAccessPoint = () => {};
  serveHttp = () => {};

  openSocket = (_options: SocketOptions, events: SocketEvents): Socket => {
    if (!this.brokerUp) {
      this.add(events.onClose, 0, 0);
      return { write: () => {}, end: () => {} };
    }
    const peer = new MqttPeer((data) => this.add(() => events.onData(data), 1, 0), this);
    this.add(events.onConnect, 5, 0);
    return {
      write: (data) => peer.receive(data),
      end: () => this.add(events.onClose, 0, 0),
    };
  };

  deepSleep = (timerMs: number) => {
    this.trace.push(`sleep ${timerMs}`);
    this.sleptMs = timerMs;
  };
  log = (message: string) => {
    this.logs.push(message);
  };

  private add(fn: () => void, ms: number, every: number): Timer {
    const timer = { at: this.ms + ms, fn, every, live: true };
    this.timers.push(timer);
    return timer;
  }
}

/** Just enough of a broker: frames in from the device, answers out. */
class MqttPeer {
  private buffer = '';

  constructor(
    private readonly send: (data: string) => void,
    private readonly platform: FakePlatform,
  ) {}

  receive(data: string): void {
    this.buffer += data;
    for (;;) {
      let length = 0;
      let shift = 0;
      let i = 1;
      for (; i < this.buffer.length; i++) {
        const byte = this.buffer.charCodeAt(i);
        length += (byte & 0x7f) << shift;
        shift += 7;
        if ((byte & 0x80) === 0) break;
      }
      if (i >= this.buffer.length || this.buffer.length < i + 1 + length) return;
      const type = this.buffer.charCodeAt(0) >> 4;
      const body = this.buffer.slice(i + 1, i + 1 + length);
      this.buffer = this.buffer.slice(i + 1 + length);
      this.frame(type, body);
    }
  }

  private frame(type: number, body: string): void {
    const p = this.platform;
    if (type === 1) this.send(`\x20\x02${p.sessionPresent ? '\x01' : '\x00'}\x00`);
    else if (type === 8) {
      const topicLength = (body.charCodeAt(2) << 8) | body.charCodeAt(3);
      const qos = body.charCodeAt(4 + topicLength);
      p.subscriptions.push({ topic: body.slice(4, 4 + topicLength), qos });
      p.ackSubscribed = true;
      this.send(`\x90\x03${body.slice(0, 2)}${String.fromCharCode(qos)}`);
    } else if (type === 12) this.send('\xd0\x00');
    else if (type === 3) {
      const topicLength = (body.charCodeAt(0) << 8) | body.charCodeAt(1);
      const topic = body.slice(2, 2 + topicLength);
      const id = body.slice(2 + topicLength, 4 + topicLength);
      const payload = body.slice(4 + topicLength);
      p.trace.push(`publish ${payload}`);
      p.publishTopics.push(topic);
      this.send(`\x40\x02${id}`);
      const ack = p.responder({ topic, payload });
      if (ack && p.ackSubscribed) this.send(publishFrame(ack.topic, ack.payload));
    }
  }
}

function publishFrame(topic: string, payload: string): string {
  const body = String.fromCharCode(topic.length >> 8, topic.length & 0xff) + topic + payload;
  let length = body.length;
  let header = '';
  do {
    let byte = length & 0x7f;
    length >>= 7;
    if (length > 0) byte |= 0x80;
    header += String.fromCharCode(byte);
  } while (length > 0);
  return `\x30${header}${body}`;
}
