/**
 * What AWS IoT Core refuses in a CONNECT, PUBLISH or SUBSCRIBE beyond the policy's topics, with
 * the limits of mqtt-limits.ts. Pure functions returning the reason (and CONNACK code), or null;
 * the aedes hooks in broker.ts only translate and log.
 */
import type { ConnectPacket } from 'aedes';
import { MQTT_LIMITS } from './mqtt-limits.ts';
import { type Identity, mayPublish, maySubscribe } from './policy.ts';

/** MQTT 3.1.1 CONNACK return codes. */
export const CONNACK = {
  UNACCEPTABLE_PROTOCOL_VERSION: 1,
  IDENTIFIER_REJECTED: 2,
  SERVER_UNAVAILABLE: 3,
  BAD_USERNAME_OR_PASSWORD: 4,
  NOT_AUTHORIZED: 5,
} as const;

export interface ConnectRefusal {
  refuse: string;
  code: number;
}

/** Checks on the CONNECT itself, before any credential is looked at. */
export function connectRefusal(packet: ConnectPacket | undefined): ConnectRefusal | null {
  if (!packet?.clientId) return { refuse: 'empty client id', code: CONNACK.IDENTIFIER_REJECTED };
  if (Buffer.byteLength(packet.clientId) > MQTT_LIMITS.clientIdBytes) {
    return {
      refuse: `client id longer than ${MQTT_LIMITS.clientIdBytes} bytes`,
      code: CONNACK.IDENTIFIER_REJECTED,
    };
  }
  if (packet.password !== undefined && packet.username === undefined) {
    return { refuse: 'password without a user name', code: CONNACK.BAD_USERNAME_OR_PASSWORD };
  }
  return null;
}

/** The will is published on the client's behalf, so the policy applies to it at CONNECT. */
export function willRefusal(
  identity: Identity,
  will: ConnectPacket['will'],
): ConnectRefusal | null {
  if (!will) return null;
  if (!mayPublish(identity, will.topic)) {
    return { refuse: `will topic ${will.topic} not allowed`, code: CONNACK.NOT_AUTHORIZED };
  }
  if ((will.qos ?? 0) > 1) {
    return { refuse: 'will QoS 2 is not supported', code: CONNACK.NOT_AUTHORIZED };
  }
  return null;
}

export function publishRefusal(
  identity: Identity | undefined,
  packet: { topic: string; payload: Buffer | string },
): string | null {
  if (Buffer.byteLength(packet.payload) > MQTT_LIMITS.payloadBytes) {
    return `payload larger than ${MQTT_LIMITS.payloadBytes} bytes`;
  }
  if (!identity || !mayPublish(identity, packet.topic)) {
    return `publish to ${packet.topic} not allowed`;
  }
  return null;
}

/** QoS 2 is refused as well (AWS IoT Core sends no SUBACK at all for it). */
export function subscribeRefusal(
  identity: Identity | undefined,
  subscription: { topic: string; qos: number },
): string | null {
  if (subscription.qos > 1) return 'QoS 2 is not supported';
  if (!identity || !maySubscribe(identity, subscription.topic)) return 'topic filter not allowed';
  return null;
}
