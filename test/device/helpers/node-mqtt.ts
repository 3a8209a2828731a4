/** The firmware's MQTT client (from source) over a Node socket, bytes as binary strings. */
import net from 'node:net';
import { MqttClient, type MqttOptions } from '../../../device/src/mqtt/client.ts';

export interface Received {
  topic: string;
  payload: string;
}

export interface TestClient {
  client: MqttClient;
  received: Received[];
  /** Resolves with the close reason. */
  closed: Promise<string>;
  /** Resolves once `count` messages have arrived. */
  receivedCount(count: number): Promise<Received[]>;
}

export const promisify = (fn: (done: (error: string | null) => void) => void): Promise<void> =>
  new Promise((resolve, reject) =>
    fn((error) => (error === null ? resolve() : reject(new Error(error)))),
  );

export function openClient(
  port: number,
  clientId: string,
  overrides: Partial<MqttOptions> = {},
): Promise<TestClient> {
  const received: Received[] = [];
  const waiters: (() => void)[] = [];
  let onClosed!: (reason: string) => void;
  const closed = new Promise<string>((resolve) => {
    onClosed = resolve;
  });
  const socket = net.connect(port, '127.0.0.1');
  const client = new MqttClient(
    {
      write: (data) => {
        if (socket.writable) socket.write(Buffer.from(data, 'latin1'));
      },
      end: () => socket.end(),
    },
    {
      clientId,
      cleanSession: true,
      keepAliveS: 30,
      connectTimeoutMs: 5000,
      resendMs: 1000,
      maxResends: 3,
      maxFrameBytes: 1 << 20,
      timers: { set: (fn, ms) => setTimeout(fn, ms), clear: (id) => clearTimeout(id as never) },
      onMessage: (topic, payload) => {
        received.push({ topic, payload });
        for (const w of waiters.splice(0)) w();
      },
      onClose: (reason) => onClosed(reason),
      ...overrides,
    },
  );
  socket.on('data', (d) => client.receive(d.toString('latin1')));
  socket.on('close', () => client.closed());
  socket.on('error', () => {});
  const receivedCount = async (count: number) => {
    while (received.length < count) await new Promise<void>((resolve) => waiters.push(resolve));
    return received.slice(0, count);
  };
  return new Promise((resolve, reject) => {
    socket.once('connect', () =>
      client.connect((error) =>
        error === null
          ? resolve({ client, received, closed, receivedCount })
          : reject(new Error(error)),
      ),
    );
    socket.once('error', reject);
  });
}
