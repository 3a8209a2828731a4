import {
  ackTopic,
  decodeAck,
  encodePress,
  fromHex,
  Outcome,
  pressIngestTopic,
  signPress,
  verifyAck,
} from '#shared/index';
import type { DeviceConfig } from './config.ts';
import { C, FW } from './constants.ts';
import type { Led, PatternName } from './led.ts';
import { MqttClient } from './mqtt/client.ts';
import type { Platform, Socket } from './platform.ts';
import type { PressQueue, QueuedPress } from './queue.ts';
import type { WifiNetwork } from './settings.ts';
import type { SettingsSync } from './settings-sync.ts';
import { Updater } from './updater.ts';
import { joinWifi } from './wifi.ts';

const OUTCOME_PATTERN: { [outcome: string]: PatternName } = {};
OUTCOME_PATTERN[Outcome.ORDERED] = 'ordered';
OUTCOME_PATTERN[Outcome.IN_PROGRESS] = 'inProgress';
OUTCOME_PATTERN[Outcome.CANCELLED] = 'cancelled';
OUTCOME_PATTERN[Outcome.NEEDS_CONFIRMATION] = 'needsConfirmation';
OUTCOME_PATTERN[Outcome.OUT_OF_STOCK] = 'outOfStock';
OUTCOME_PATTERN[Outcome.UNBOUND] = 'outOfStock';
OUTCOME_PATTERN[Outcome.REJECTED] = 'rejected';

export interface DeliveryOptions {
  p: Platform;
  config: DeviceConfig;
  queue: PressQueue;
  led: Led;
  settings: SettingsSync;
  /** Networks to try before the flashed one (the settings this wake booted with). */
  networks: WifiNetwork[];
  /** A click is still being classified: an empty queue may grow, so the session waits. */
  more(): boolean;
  /** ok: the queue was emptied. */
  onDone(ok: boolean): void;
}

/**
 * One connection's worth of work: Wi-Fi, MQTT (resuming the session that holds the ack
 * subscription, or subscribing), then publish the queued presses oldest first to the press
 * rule's Basic Ingest topic, each waiting for an ack that verifies. Presses leave the
 * queue only on such an ack; anything else leaves them in flash for the next wake. The
 * session may open before the first click is classified: it then waits for it, subscribed.
 */
export class Delivery {
  o: DeliveryOptions;
  key: Uint8Array;
  client: MqttClient | null;
  socket: Socket | null;
  timer: unknown;
  /** The press whose ack is awaited, and how often it was published this wake. */
  waiting: QueuedPress | null;
  sends: number;
  /** Subscribed to the ack topic (or resumed a session that is): presses may go out. */
  ready: boolean;
  /** This connection sent its own SUBSCRIBE rather than trusting the resumed session. */
  subscribed: boolean;
  done: boolean;
  updater: Updater;

  constructor(options: DeliveryOptions) {
    this.o = options;
    this.key = fromHex(options.config.secret) as Uint8Array;
    this.client = null;
    this.socket = null;
    this.timer = undefined;
    this.waiting = null;
    this.sends = 0;
    this.ready = false;
    this.subscribed = false;
    this.done = false;
    // When the update has done this wake's share, the session ends as it would have.
    this.updater = new Updater(options.p, options.config, this.key, () => this.kick());
  }

  start(): void {
    this.o.led.loop('connecting');
    joinWifi(this.o.p, this.o.config, this.o.networks, (error) => {
      if (error !== null) this.finish('noWifi');
      else this.openMqtt();
    });
  }

  openMqtt(): void {
    const p = this.o.p;
    const config = this.o.config;
    const tls = config.broker.tls;
    this.arm(C.CONNECT_TIMEOUT_MS, () => this.finish('noBroker'));
    const client = new MqttClient(
      {
        write: (data) => {
          if (this.socket) this.socket.write(data);
        },
        end: () => {
          if (this.socket) this.socket.end();
        },
      },
      {
        clientId: config.device,
        // The broker keeps the ack subscription between wakes: no SUBSCRIBE (a billed message)
        // while the session lives.
        cleanSession: false,
        username: config.username,
        password: config.password,
        keepAliveS: C.MQTT_KEEPALIVE_S,
        connectTimeoutMs: C.CONNECT_TIMEOUT_MS,
        resendMs: C.MQTT_RESEND_MS,
        maxResends: C.MQTT_MAX_RESENDS,
        maxFrameBytes: C.MAX_FRAME_BYTES,
        timers: { set: p.setTimer, clear: p.clearTimer },
        onMessage: (topic, payload) => this.onMessage(topic, payload),
        onClose: () => this.finish('noBroker'),
      },
    );
    this.client = client;
    this.socket = p.openSocket(
      {
        host: config.broker.host,
        port: config.broker.port,
        tls,
        ca: tls ? p.readFile(C.FILES.CA) : undefined,
        cert: tls ? p.readFile(C.FILES.CERT) : undefined,
        key: tls ? p.readFile(C.FILES.KEY) : undefined,
      },
      {
        onConnect: () => client.connect((error) => this.connected(error)),
        onData: (data) => client.receive(data),
        onClose: () => client.closed(),
      },
    );
  }

  connected(error: string | null): void {
    if (error !== null || !this.client) return; // the client's onClose reports it
    if (this.client.sessionPresent) {
      this.ready = true;
      this.updater.connected(this.client);
      this.sendHead();
    } else {
      this.subscribeAcks();
    }
  }

  /**
   * QoS 0: an ack the device misses costs a re-send of the same press (answered with the same
   * ack), never a press; QoS 1 would add a billed PUBACK to every ack.
   */
  subscribeAcks(): void {
    this.subscribed = true;
    this.ready = false;
    const client = this.client as MqttClient;
    client.subscribe(ackTopic(this.o.config.device), 0, (error) => {
      if (error !== null) return;
      this.ready = true;
      this.updater.connected(client);
      this.sendHead();
    });
  }

  /** A resumed session may lack the subscription (a wake that died before its SUBACK). */
  ackMissing(): void {
    if (this.subscribed) this.sendHead();
    else this.subscribeAcks();
  }

  /** The queue or the clicks changed: publish the next press unless one is in flight. */
  kick(): void {
    if (this.ready && this.waiting === null && !this.done) this.sendHead();
  }

  /** Publishes the oldest press, re-signed with its next attempt number and the same seq. */
  sendHead(): void {
    const queue = this.o.queue;
    const press = queue.head();
    if (!press) {
      this.waiting = null;
      this.o.p.clearTimer(this.timer);
      // Presses first: settings, then the update, get the connection only while no press waits.
      const client = this.client as MqttClient;
      const busy =
        this.o.more() || this.o.settings.run(client, () => this.kick()) || this.updater.run();
      if (!busy) this.finish(null);
      return;
    }
    if (this.waiting !== press) this.sends = 0;
    if (this.sends >= C.SENDS_PER_WAKE) {
      this.finish('noBroker');
      return;
    }
    this.sends++;
    this.waiting = press;
    const config = this.o.config;
    const attempt = queue.nextAttempt(press);
    const signed = signPress(this.o.p.sha256, this.key, {
      device: config.device,
      seq: press.seq,
      click: press.click as 'SINGLE',
      battery_mv: press.battery_mv,
      attempt,
      kv: config.kv,
      fw: FW,
      cfg: this.o.settings.version(),
    });
    this.arm(C.ACK_TIMEOUT_MS, () => this.ackMissing());
    (this.client as MqttClient).publish(
      pressIngestTopic(config.device),
      encodePress(signed),
      () => {
        // A missing PUBACK ends the connection through onClose; the ack is what counts.
      },
    );
  }

  /** Only an ack that decodes, is for this device and the awaited seq, and verifies counts. */
  onMessage(topic: string, payload: string): void {
    const config = this.o.config;
    if (this.o.settings.onMessage(topic, payload) || this.updater.onMessage(topic, payload)) return;
    const press = this.waiting;
    if (!press || topic !== ackTopic(config.device)) return;
    const decoded = decodeAck(payload);
    if (!decoded.ok) return;
    const ack = decoded.message;
    if (ack.device !== config.device || ack.seq !== press.seq || ack.kv !== config.kv) return;
    if (!verifyAck(this.o.p.sha256, this.key, ack)) {
      this.o.p.log('ack signature mismatch');
      return;
    }
    this.waiting = null;
    this.o.queue.remove(press.seq);
    this.updater.acked(ack.upd);
    this.o.settings.acked(ack.upd, this.updater.boot.t !== undefined);
    this.o.led.show(OUTCOME_PATTERN[ack.outcome] as PatternName);
    this.sendHead();
  }

  arm(ms: number, fn: () => void): void {
    this.o.p.clearTimer(this.timer);
    this.timer = this.o.p.setTimer(fn, ms);
  }

  /** Ends the session once; problem names the LED pattern to show, null when all went out. */
  finish(problem: PatternName | null): void {
    if (this.done) return;
    this.done = true;
    this.o.p.clearTimer(this.timer);
    this.o.p.clearTimer(this.updater.timer);
    this.o.settings.end();
    if (this.client) this.client.disconnect();
    this.o.p.wifiOff();
    this.o.led.stop();
    if (problem !== null) this.o.led.show(problem);
    this.o.onDone(problem === null);
  }
}
