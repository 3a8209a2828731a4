/**
 * One wake of a sleepy button on the wire, as the firmware's MQTT client speaks it
 * (device/src/delivery.ts): a TCP connection, CONNECT with a persistent session (clean session
 * off, so the broker keeps the ack subscription between wakes), SUBSCRIBE to the ack topic at
 * QoS 0 only when the broker no longer holds that session, PUBLISH at QoS 1, DISCONNECT.
 *
 * Packets are built and parsed with mqtt-packet, without mqtt.js's client machinery (stores,
 * reconnect timers, keep-alive, topic aliases): ten thousand such buttons share the soak's
 * process, and on two cores whatever the load generator spends is taken from the stack it
 * measures.
 */
import { connect } from 'node:net';
import { generate, type Packet, parser } from 'mqtt-packet';
import { VirtualButtonError } from '../../cloud/local/tools/errors.ts';
import type { ButtonTransport } from '../../cloud/local/tools/virtual-button.ts';

/** SUBACK return code for a refused subscription (MQTT 3.1.1 §3.9.3). */
const SUBACK_FAILURE = 0x80;

export interface SleepySessionOptions {
  host: string;
  port: number;
  clientId: string;
  password: string;
  /** CONNECT → CONNACK, SUBSCRIBE → SUBACK and PUBLISH → PUBACK each within this long. */
  timeoutMs: number;
}

export interface SleepySession extends ButtonTransport {
  /** Settles once the connection is gone, whoever ended it (the button, or a broker fault). */
  readonly closed: Promise<void>;
}

/** Connects and waits for the CONNACK; rejects when the broker is away or refuses. */
export function openSleepySession(options: SleepySessionOptions): Promise<SleepySession> {
  const socket = connect({ host: options.host, port: options.port, noDelay: true });
  const incoming = parser({ protocolVersion: 4 });
  const waiting = new Map<string, (packet: Packet) => void>();
  const handlers: ((topic: string, payload: string) => void)[] = [];
  let nextId = 1;
  let subscribed = false;
  let gone: Error | null = null;

  const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()));
  socket.on('error', (error) => {
    gone ??= error;
  });
  socket.on('data', (chunk) => incoming.parse(chunk));
  incoming.on('error', (error) => {
    gone ??= error;
    socket.destroy();
  });
  incoming.on('packet', (packet: Packet) => {
    if (packet.cmd === 'publish') {
      const text = Buffer.from(packet.payload).toString('utf8');
      for (const handler of handlers) handler(packet.topic, text);
      return;
    }
    const key = packet.cmd === 'connack' ? 'connack' : `${packet.cmd}#${packet.messageId}`;
    waiting.get(key)?.(packet);
  });

  /** Sends `packet` and waits for the answer filed under `key`. */
  const exchange = (packet: Packet, key: string): Promise<Packet> =>
    new Promise((resolve, reject) => {
      const settle = () => {
        clearTimeout(timer);
        waiting.delete(key);
        socket.off('close', onClose);
      };
      const fail = (why: string) => {
        settle();
        const details = { clientId: options.clientId };
        reject(new VirtualButtonError('NO_BROKER', `${options.clientId}: ${why}`, details, gone));
      };
      const timer = setTimeout(
        () => fail(`no ${packet.cmd} answer within ${options.timeoutMs} ms`),
        options.timeoutMs,
      );
      const onClose = () => fail(`connection lost (${gone?.message ?? 'closed'})`);
      if (socket.destroyed) {
        onClose();
        return;
      }
      socket.once('close', onClose);
      waiting.set(key, (answer) => {
        settle();
        resolve(answer);
      });
      socket.write(generate(packet));
    });

  const session: SleepySession = {
    closed,
    async subscribe(topic) {
      if (subscribed) return; // the broker kept the session, and the subscription with it
      const messageId = nextId++;
      const suback = await exchange(
        { cmd: 'subscribe', messageId, subscriptions: [{ topic, qos: 0 }] },
        `suback#${messageId}`,
      );
      if (suback.cmd === 'suback' && suback.granted.includes(SUBACK_FAILURE)) {
        throw new VirtualButtonError('SUBSCRIBE_REFUSED', `the broker refused ${topic}`, {
          clientId: options.clientId,
        });
      }
      subscribed = true;
    },
    async publish(topic, payload) {
      const messageId = nextId++;
      await exchange(
        { cmd: 'publish', topic, payload, qos: 1, messageId, retain: false, dup: false },
        `puback#${messageId}`,
      );
    },
    onMessage(handler) {
      handlers.push(handler);
    },
    async close() {
      if (socket.destroyed) return;
      socket.end(generate({ cmd: 'disconnect' }));
      socket.destroySoon();
      await closed;
    },
  };

  const connectPacket: Packet = {
    cmd: 'connect',
    protocolId: 'MQTT',
    protocolVersion: 4,
    clientId: options.clientId,
    clean: false,
    keepalive: 30,
    username: options.clientId,
    password: Buffer.from(options.password),
  };
  return new Promise((resolve, reject) => {
    socket.once('connect', () => {
      exchange(connectPacket, 'connack').then(
        (connack) => {
          if (connack.cmd !== 'connack' || connack.returnCode !== 0) {
            socket.destroy();
            const returnCode = connack.cmd === 'connack' ? connack.returnCode : null;
            reject(
              new VirtualButtonError(
                'NOT_CONNECTED',
                `${options.clientId}: CONNACK ${returnCode}`,
                {
                  clientId: options.clientId,
                  returnCode,
                },
              ),
            );
            return;
          }
          subscribed = connack.sessionPresent;
          resolve(session);
        },
        (error: unknown) => {
          socket.destroy(); // no CONNACK in time: this wake is over
          reject(error);
        },
      );
    });
    socket.once('close', () =>
      reject(
        new VirtualButtonError(
          'NO_BROKER',
          `${options.clientId}: no connection (${gone?.message ?? 'closed'})`,
          { clientId: options.clientId },
          gone,
        ),
      ),
    );
  });
}
