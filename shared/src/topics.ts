import {
  DEVICE_ID_MAX_LENGTH,
  JOB_ID_MAX_LENGTH,
  PRESS_RULE_NAME,
  TOPIC_ROOT,
} from './constants.ts';

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

/*
 * Update and settings delivery. The manifest is ours (signed, under TOPIC_ROOT); blocks,
 * progress and settings use the AWS IoT reserved topics of MQTT-based file delivery, Jobs and
 * Device Shadow, so the same firmware talks to AWS IoT Core and to the local broker.
 */

/** Cloud → button: the signed manifest of the update that waits. */
export function manifestTopic(deviceId: string): string {
  return `${TOPIC_ROOT}/${deviceId}/manifest`;
}

/** Button → cloud (`{}`): send the manifest again. */
export function manifestGetTopic(deviceId: string): string {
  return `${TOPIC_ROOT}/${deviceId}/manifest/get`;
}

export function thingTopic(deviceId: string, rest: string): string {
  return `$aws/things/${deviceId}/${rest}`;
}

/** Button → cloud: `{"c","f":0,"l","o","n"}` asks for n blocks from block o. */
export function streamGetTopic(deviceId: string, stream: string): string {
  return thingTopic(deviceId, `streams/${stream}/get/json`);
}

/** Cloud → button: `{"c","f":0,"l","i","p"}`, one block as base64. */
export function streamDataTopic(deviceId: string, stream: string): string {
  return thingTopic(deviceId, `streams/${stream}/data/json`);
}

export function streamRejectedTopic(deviceId: string, stream: string): string {
  return thingTopic(deviceId, `streams/${stream}/rejected/json`);
}

/** Button → cloud: progress and result of one job execution. */
export function jobUpdateTopic(deviceId: string, job: string): string {
  return thingTopic(deviceId, `jobs/${job}/update`);
}

export function shadowGetTopic(deviceId: string): string {
  return thingTopic(deviceId, 'shadow/get');
}

export function shadowGetAcceptedTopic(deviceId: string): string {
  return thingTopic(deviceId, 'shadow/get/accepted');
}

export function shadowUpdateTopic(deviceId: string): string {
  return thingTopic(deviceId, 'shadow/update');
}

export type DeliveryTopic =
  | { kind: 'manifest/get'; deviceId: string }
  | { kind: 'stream/get'; deviceId: string; stream: string }
  | { kind: 'job/update'; deviceId: string; job: string }
  | { kind: 'shadow/get'; deviceId: string }
  | { kind: 'shadow/update'; deviceId: string };

/** What a button publishes for update and settings delivery; null for anything else. */
export function parseDeliveryTopic(topic: string): DeliveryTopic | null {
  if (typeof topic !== 'string') return null;
  const parts = topic.split('/');
  const deviceId = parts[2] as string;
  if (parts.length < 4 || !isDeviceId(deviceId)) return null;
  const rest = parts.slice(3).join('/');
  if (`${parts[0]}/${parts[1]}` === TOPIC_ROOT) {
    return rest === 'manifest/get' ? { kind: 'manifest/get', deviceId } : null;
  }
  if (parts[0] !== '$aws' || parts[1] !== 'things') return null;
  const name = parts[4] as string;
  if (parts.length === 7 && parts[3] === 'streams' && rest === `streams/${name}/get/json`) {
    return isIdentifier(name, JOB_ID_MAX_LENGTH)
      ? { kind: 'stream/get', deviceId, stream: name }
      : null;
  }
  if (parts.length === 6 && parts[3] === 'jobs' && parts[5] === 'update') {
    return isIdentifier(name, JOB_ID_MAX_LENGTH)
      ? { kind: 'job/update', deviceId, job: name }
      : null;
  }
  if (rest === 'shadow/get') return { kind: 'shadow/get', deviceId };
  if (rest === 'shadow/update') return { kind: 'shadow/update', deviceId };
  return null;
}
