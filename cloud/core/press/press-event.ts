/**
 * The event the press topic rule delivers to the press handler: the AWS IoT rule in the CDK
 * app (PRESS_RULE_SQL) and the local stack's stand-in both build exactly this. The payload is
 * base64 so that even non-JSON bytes reach the handler and get a logged rejection instead of
 * failing inside the rule engine.
 */
import { MAX_MESSAGE_BYTES, pressTopic, TOPIC_ROOT } from '#shared/index';

export interface PressEvent {
  /** Base64 of the raw MQTT payload. */
  payload: string;
  topic: string;
  clientId: string;
  /** Epoch milliseconds at which the broker received the message. */
  receivedAt: number;
}

/** Every device's press topic. */
export const PRESS_TOPIC_FILTER = `${TOPIC_ROOT}/+/press`;

export const PRESS_RULE_SQL =
  `SELECT encode(*, 'base64') AS payload, topic() AS topic, clientid() AS clientId, ` +
  `timestamp() AS receivedAt FROM '${PRESS_TOPIC_FILTER}'`;

/** Builds the event exactly as the rule would, for the local stack and tests. */
export function pressEventFor(
  deviceId: string,
  payload: Uint8Array | string,
  receivedAt: number,
  clientId = deviceId,
): PressEvent {
  const bytes = typeof payload === 'string' ? Buffer.from(payload, 'utf8') : Buffer.from(payload);
  return { payload: bytes.toString('base64'), topic: pressTopic(deviceId), clientId, receivedAt };
}

/**
 * The payload as text, or null when it is larger than any valid press. The size is checked on
 * the base64 length first so a huge event is refused before it is decoded.
 */
export function payloadText(event: PressEvent): string | null {
  if (typeof event.payload !== 'string') return null;
  if (event.payload.length > Math.ceil(MAX_MESSAGE_BYTES / 3) * 4 + 4) return null;
  const bytes = Buffer.from(event.payload, 'base64');
  if (bytes.length > MAX_MESSAGE_BYTES) return null;
  return new TextDecoder('utf-8', { fatal: false }).decode(bytes);
}
