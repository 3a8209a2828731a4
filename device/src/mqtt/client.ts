import {
  connectPacket,
  DISCONNECT,
  PacketType,
  PINGREQ,
  parsePublish,
  pubackPacket,
  publishPacket,
  readU16,
  subscribePacket,
} from './codec.ts';
import { type Frame, FrameParser } from './parser.ts';

/** What the client needs from a connected byte stream. */
export interface Transport {
  write(data: string): void;
  end(): void;
}

export interface Timers {
  set(fn: () => void, ms: number): unknown;
  clear(id: unknown): void;
}

export type Done = (error: string | null) => void;

export interface MqttOptions {
  clientId: string;
  cleanSession: boolean;
  username?: string | undefined;
  password?: string | undefined;
  keepAliveS: number;
  /** How long to wait for CONNACK or SUBACK before giving up. */
  connectTimeoutMs: number;
  /** How long to wait for a PUBACK before re-sending the PUBLISH with DUP. */
  resendMs: number;
  maxResends: number;
  maxFrameBytes: number;
  timers: Timers;
  onMessage(topic: string, payload: string): void;
  onClose(reason: string): void;
}

interface Pending {
  done: Done;
  timer: unknown;
  /** The PUBLISH, kept for a re-send with DUP; empty for SUBSCRIBE. */
  topic: string;
  payload: string;
  sends: number;
}

/**
 * A small MQTT 3.1.1 client: CONNECT (clean or persistent session), SUBSCRIBE, PUBLISH QoS 0/1
 * with PUBACK and re-send with DUP, incoming QoS 1 (answered with PUBACK), PINGREQ keep-alive and DISCONNECT. The socket is
 * injected: the caller feeds received bytes to receive() and reports the close with closed().
 */
export class MqttClient {
  o: MqttOptions;
  t: Transport;
  parser: FrameParser;
  /** Outstanding SUBSCRIBE/PUBLISH by packet id (plain object: Espruino has no Map). */
  pending: { [id: string]: Pending };
  nextId: number;
  connectDone: Done | null;
  connectTimer: unknown;
  pingTimer: unknown;
  pingOutstanding: boolean;
  /** PINGRESPs received, so tests can see the keep-alive working. */
  pongs: number;
  open: boolean;
  /** CONNACK said the broker resumed this client's earlier session (its subscriptions). */
  sessionPresent: boolean;

  constructor(transport: Transport, options: MqttOptions) {
    this.o = options;
    this.t = transport;
    this.parser = new FrameParser(options.maxFrameBytes);
    this.pending = {};
    this.nextId = 1;
    this.connectDone = null;
    this.connectTimer = undefined;
    this.pingTimer = undefined;
    this.pingOutstanding = false;
    this.pongs = 0;
    this.open = true;
    this.sessionPresent = false;
  }

  connect(done: Done): void {
    this.connectDone = done;
    this.connectTimer = this.o.timers.set(
      () => this.fail('connack timeout'),
      this.o.connectTimeoutMs,
    );
    this.t.write(
      connectPacket({
        clientId: this.o.clientId,
        cleanSession: this.o.cleanSession,
        keepAliveS: this.o.keepAliveS,
        username: this.o.username,
        password: this.o.password,
      }),
    );
  }

  subscribe(topic: string, qos: number, done: Done): void {
    const id = this.takeId();
    const timer = this.o.timers.set(
      () => this.settle(id, 'suback timeout'),
      this.o.connectTimeoutMs,
    );
    this.pending[id] = { done, timer, topic: '', payload: '', sends: 1 };
    this.t.write(subscribePacket(id, topic, qos));
  }

  /** QoS 1: done(null) on PUBACK; re-sent with DUP until maxResends, then done('puback timeout'). */
  publish(topic: string, payload: string, done: Done): void {
    const id = this.takeId();
    this.pending[id] = { done, timer: undefined, topic, payload, sends: 0 };
    this.send(id);
  }

  /** Feed bytes read from the socket. */
  receive(data: string): void {
    let frames: Frame[];
    try {
      frames = this.parser.push(data);
    } catch (error) {
      this.fail(String(error));
      return;
    }
    for (const frame of frames) this.handle(frame);
  }

  /** The socket closed under us. */
  closed(): void {
    this.fail('socket closed');
  }

  disconnect(): void {
    if (!this.open) return;
    this.t.write(DISCONNECT);
    this.fail('disconnected');
  }

  takeId(): number {
    const id = this.nextId;
    this.nextId = id >= 65535 ? 1 : id + 1;
    return id;
  }

  send(id: number): void {
    const p = this.pending[id];
    if (!p) return;
    p.sends++;
    if (p.sends > this.o.maxResends + 1) {
      this.settle(id, 'puback timeout');
      return;
    }
    p.timer = this.o.timers.set(() => this.send(id), this.o.resendMs);
    this.t.write(
      publishPacket({ topic: p.topic, payload: p.payload, qos: 1, id, dup: p.sends > 1 }),
    );
  }

  settle(id: number, error: string | null): void {
    const p = this.pending[id];
    if (!p) return;
    delete this.pending[id];
    this.o.timers.clear(p.timer);
    p.done(error);
  }

  handle(frame: Frame): void {
    const type = frame.type;
    if (type === PacketType.CONNACK) {
      this.o.timers.clear(this.connectTimer);
      const code = frame.body.charCodeAt(1);
      if (code !== 0) {
        this.fail(`connack ${code}`);
        return;
      }
      this.sessionPresent = (frame.body.charCodeAt(0) & 1) === 1;
      const done = this.connectDone;
      this.connectDone = null;
      this.ping();
      if (done) done(null);
    } else if (type === PacketType.PUBACK) {
      this.settle(readU16(frame.body, 0), null);
    } else if (type === PacketType.SUBACK) {
      const refused = frame.body.charCodeAt(2) === 0x80;
      this.settle(readU16(frame.body, 0), refused ? 'subscription refused' : null);
    } else if (type === PacketType.PUBLISH) {
      const message = parsePublish(frame.flags, frame.body);
      // Acknowledge first: the broker may redeliver a QoS 1 message until it sees the PUBACK.
      if (message.qos > 0) this.t.write(pubackPacket(message.id));
      this.o.onMessage(message.topic, message.payload);
    } else if (type === PacketType.PINGRESP) {
      this.pingOutstanding = false;
      this.pongs++;
    }
  }

  /** One PINGREQ per keep-alive period; a missing PINGRESP by the next period ends the link. */
  ping(): void {
    this.o.timers.clear(this.pingTimer);
    this.pingTimer = this.o.timers.set(() => {
      if (this.pingOutstanding) {
        this.fail('ping timeout');
        return;
      }
      this.pingOutstanding = true;
      this.t.write(PINGREQ);
      this.ping();
    }, this.o.keepAliveS * 1000);
  }

  /** Ends the session once: clears timers, fails whatever waits, closes the socket. */
  fail(reason: string): void {
    if (!this.open) return;
    this.open = false;
    this.o.timers.clear(this.connectTimer);
    this.o.timers.clear(this.pingTimer);
    const done = this.connectDone;
    this.connectDone = null;
    if (done) done(reason);
    for (const id of Object.keys(this.pending)) this.settle(Number(id), reason);
    this.t.end();
    this.o.onClose(reason);
  }
}
