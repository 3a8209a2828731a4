/**
 * MQTT packets built byte by byte, for what well-behaved clients refuse to send (a password
 * without a user name, a header that declares 250 MB), and a socket that reads the answer.
 */
import { connect, type Socket } from 'node:net';

function utf8Field(text: string | Buffer): Buffer {
  const bytes = Buffer.isBuffer(text) ? text : Buffer.from(text, 'utf8');
  const length = Buffer.alloc(2);
  length.writeUInt16BE(bytes.length);
  return Buffer.concat([length, bytes]);
}

/** The MQTT varint for a remaining length. */
export function remainingLength(length: number): Buffer {
  const bytes: number[] = [];
  let rest = length;
  do {
    let byte = rest % 128;
    rest = Math.floor(rest / 128);
    if (rest > 0) byte |= 0x80;
    bytes.push(byte);
  } while (rest > 0);
  return Buffer.from(bytes);
}

export interface RawConnect {
  clientId: string;
  username?: string;
  password?: string;
  will?: { topic: string; payload: string };
  protocolLevel?: number;
}

export function connectPacket(c: RawConnect): Buffer {
  const level = c.protocolLevel ?? 4;
  const name = level === 3 ? 'MQIsdp' : 'MQTT';
  let flags = 0x02; // clean session
  if (c.will) flags |= 0x04 | 0x08; // will, will QoS 1
  if (c.username !== undefined) flags |= 0x80;
  if (c.password !== undefined) flags |= 0x40;
  const body = Buffer.concat([
    utf8Field(name),
    Buffer.from([level, flags, 0, 30]),
    utf8Field(c.clientId),
    ...(c.will ? [utf8Field(c.will.topic), utf8Field(c.will.payload)] : []),
    ...(c.username !== undefined ? [utf8Field(c.username)] : []),
    ...(c.password !== undefined ? [utf8Field(c.password)] : []),
  ]);
  return Buffer.concat([Buffer.from([0x10]), remainingLength(body.length), body]);
}

/** A PUBLISH (QoS 0, 1 or 2; packet id 1 where QoS > 0). */
export function publishPacket(topic: string, payload: Buffer, qos: 0 | 1 | 2): Buffer {
  const body = Buffer.concat([
    utf8Field(topic),
    ...(qos > 0 ? [Buffer.from([0, 1])] : []),
    payload,
  ]);
  return Buffer.concat([Buffer.from([0x30 | (qos << 1)]), remainingLength(body.length), body]);
}

export interface RawSession {
  socket: Socket;
  /** Everything the broker sent, once it closed the connection (or after waitMs). */
  answer(waitMs?: number): Promise<{ bytes: Buffer; closed: boolean }>;
}

export function openRaw(port: number): Promise<RawSession> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    const chunks: Buffer[] = [];
    let closed = false;
    socket.on('data', (chunk) => chunks.push(chunk));
    socket.on('error', () => undefined); // a refused connection may be reset mid-write
    const ended = new Promise<void>((done) =>
      socket.once('close', () => {
        closed = true;
        done();
      }),
    );
    socket.once('connect', () =>
      resolve({
        socket,
        answer: async (waitMs = 3_000) => {
          let timer: NodeJS.Timeout | undefined;
          await Promise.race([ended, new Promise((r) => (timer = setTimeout(r, waitMs)))]);
          clearTimeout(timer);
          return { bytes: Buffer.concat(chunks), closed };
        },
      }),
    );
    socket.once('error', reject);
  });
}

/** The return code of the CONNACK at the start of `bytes`, or null when there is none. */
export function connackCode(bytes: Buffer): number | null {
  return bytes.length >= 4 && bytes[0] === 0x20 ? (bytes[3] as number) : null;
}
