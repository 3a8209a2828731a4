import { DEVICE_ID_MAX_LENGTH, PRESS_RULE_NAME, TOPIC_ROOT } from './constants.ts';

export type TopicKind = 'press' | 'ack';

/** Thing names are restricted to characters that need no escaping in topics, keys or URLs. */
export function isDeviceId(value: unknown): value is string {
  return typeof value === 'string' && isIdentifier(value, DEVICE_ID_MAX_LENGTH);
}

/** 1..maxLength characters from [A-Za-z0-9_-]; loops instead of a regex to stay tiny on Espruino. */
export function isIdentifier(value: string, maxLength: number): boolean {
  if (value.length < 1 || value.length > maxLength) return false;
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    const ok =
      (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 45 || c === 95;
    if (!ok) return false;
  }
  return true;
}

export function pressTopic(deviceId: string): string {
  return `${TOPIC_ROOT}/${deviceId}/press`;
}

export function ackTopic(deviceId: string): string {
  return `${TOPIC_ROOT}/${deviceId}/ack`;
}

/** Basic Ingest's reserved prefix for the press rule; nobody can subscribe below it. */
export const PRESS_INGEST_PREFIX = `$aws/rules/${PRESS_RULE_NAME}/`;

/** Where buttons publish presses: the press topic behind the press rule's Basic Ingest prefix. */
export function pressIngestTopic(deviceId: string): string {
  return PRESS_INGEST_PREFIX + pressTopic(deviceId);
}

/** The topic as the rule's `topic()` reports it: Basic Ingest's prefix is not part of it. */
export function withoutIngestPrefix(topic: string): string {
  return topic.indexOf(PRESS_INGEST_PREFIX) === 0
    ? topic.substring(PRESS_INGEST_PREFIX.length)
    : topic;
}

export interface ParsedTopic {
  deviceId: string;
  kind: TopicKind;
}

/** Returns null for anything that is not exactly one of our two topics for a valid thing name. */
export function parseTopic(topic: string): ParsedTopic | null {
  const prefix = `${TOPIC_ROOT}/`;
  if (typeof topic !== 'string' || topic.indexOf(prefix) !== 0) return null;
  const rest = topic.substring(prefix.length).split('/');
  if (rest.length !== 2) return null;
  const deviceId = rest[0] as string;
  const kind = rest[1];
  if (!isDeviceId(deviceId)) return null;
  if (kind !== 'press' && kind !== 'ack') return null;
  return { deviceId, kind };
}
