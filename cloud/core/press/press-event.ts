/**
 * The event an AWS IoT topic rule delivers to the press Lambda:
 *   SELECT encode(*, 'base64') AS payload, topic() AS topic, clientid() AS clientId,
 *          timestamp() AS receivedAt FROM 'restock/v1/+/press'
 * The payload is base64 so that even non-JSON bytes reach the handler and get a logged
 * rejection instead of failing inside the rule engine.
 */
import { MAX_MESSAGE_BYTES, pressTopic } from '#shared/index';

export interface PressEvent {
  payload: string;
  topic: string;
  clientId: string;
  receivedAt: number;
}

export const PRESS_RULE_SQL =
  "SELECT encode(*, 'base64') AS payload, topic() AS topic, clientid() AS clientId, timestamp() AS receivedAt FROM 'restock/v1/+/press'";

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
