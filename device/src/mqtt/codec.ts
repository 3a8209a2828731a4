/**
 * MQTT 3.1.1 packet encoding over binary strings (one char per byte), the natural byte
 * container on Espruino, whose sockets read and write strings.
 */

export const PacketType = {
  CONNECT: 1,
  CONNACK: 2,
  PUBLISH: 3,
  PUBACK: 4,
  SUBSCRIBE: 8,
  SUBACK: 9,
  PINGREQ: 12,
  PINGRESP: 13,
  DISCONNECT: 14,
};

/** The spec's ceiling for the remaining length: four 7-bit groups. */
export const MAX_REMAINING_LENGTH = 268435455;

export function encodeRemainingLength(length: number): string {
  if (length < 0 || length > MAX_REMAINING_LENGTH || Math.floor(length) !== length) {
    throw new Error('bad remaining length');
  }
  let out = '';
  let rest = length;
  do {
    let digit = rest % 128;
    rest = Math.floor(rest / 128);
    if (rest > 0) digit = digit | 0x80;
    out += String.fromCharCode(digit);
  } while (rest > 0);
  return out;
}

export interface LengthField {
  /** -1 when the field is malformed (a fifth continuation byte). */
  value: number;
  /** How many bytes the field itself took. */
  size: number;
}

/** Returns null while the field is still incomplete. */
export function decodeRemainingLength(data: string, offset: number): LengthField | null {
  let value = 0;
  let multiplier = 1;
  for (let i = 0; i < 4; i++) {
    if (offset + i >= data.length) return null;
    const byte = data.charCodeAt(offset + i);
    value += (byte & 0x7f) * multiplier;
    if ((byte & 0x80) === 0) return { value, size: i + 1 };
    multiplier *= 128;
  }
  return { value: -1, size: 4 };
}

export function u16(value: number): string {
  return String.fromCharCode((value >> 8) & 0xff, value & 0xff);
}

export function readU16(data: string, offset: number): number {
  return (data.charCodeAt(offset) << 8) | data.charCodeAt(offset + 1);
}

/** A length-prefixed string; topics and credentials here are ASCII, so chars are bytes. */
export function mqttString(text: string): string {
  return u16(text.length) + text;
}

export function packet(type: number, flags: number, body: string): string {
  return String.fromCharCode((type << 4) | flags) + encodeRemainingLength(body.length) + body;
}

export interface ConnectOptions {
  clientId: string;
  /** false: the broker keeps the session (subscriptions) between connections. */
  cleanSession: boolean;
  keepAliveS: number;
  username?: string | undefined;
  password?: string | undefined;
}

export function connectPacket(o: ConnectOptions): string {
  let flags = o.cleanSession ? 0x02 : 0;
  let payload = mqttString(o.clientId);
  if (o.username !== undefined) {
    flags |= 0x80;
    payload += mqttString(o.username);
    if (o.password !== undefined) {
      flags |= 0x40;
      payload += mqttString(o.password);
    }
  }
  const header = `${mqttString('MQTT')}\x04${String.fromCharCode(flags)}${u16(o.keepAliveS)}`;
  return packet(PacketType.CONNECT, 0, header + payload);
}

export function subscribePacket(id: number, topic: string, qos: number): string {
  return packet(PacketType.SUBSCRIBE, 0x02, u16(id) + mqttString(topic) + String.fromCharCode(qos));
}

export interface PublishOptions {
  topic: string;
  payload: string;
  qos: number;
  id: number;
  dup: boolean;
}

export function publishPacket(o: PublishOptions): string {
  const flags = (o.dup ? 0x08 : 0) | (o.qos << 1);
  const id = o.qos > 0 ? u16(o.id) : '';
  return packet(PacketType.PUBLISH, flags, mqttString(o.topic) + id + o.payload);
}

export function pubackPacket(id: number): string {
  return packet(PacketType.PUBACK, 0, u16(id));
}

export const PINGREQ = packet(PacketType.PINGREQ, 0, '');
export const DISCONNECT = packet(PacketType.DISCONNECT, 0, '');

export interface IncomingPublish {
  topic: string;
  payload: string;
  qos: number;
  id: number;
  dup: boolean;
}

export function parsePublish(flags: number, body: string): IncomingPublish {
  const topicLength = readU16(body, 0);
  const topic = body.substr(2, topicLength);
  const qos = (flags >> 1) & 3;
  let offset = 2 + topicLength;
  let id = 0;
  if (qos > 0) {
    id = readU16(body, offset);
    offset += 2;
  }
  return { topic, payload: body.substr(offset), qos, id, dup: (flags & 0x08) !== 0 };
}
