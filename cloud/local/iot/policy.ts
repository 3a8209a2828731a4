/**
 * The broker's authorisation rules, as the AWS IoT policy states them: a device
 * connects only as its own thing name, publishes only its press — `restock/v1/{itself}/press`,
 * directly or through the press rule's Basic Ingest prefix — and subscribes only to
 * `restock/v1/{itself}/ack` — literally, no wildcards. Nobody subscribes below Basic Ingest's
 * reserved `$aws/rules/`, as in AWS. Named service identities (the
 * benchmark's echo client, operators' tools) get the topic filters they are configured with.
 * Pure functions: the aedes hooks in broker.ts only translate.
 */
import { ackTopic, pressIngestTopic, pressTopic } from '#shared/index';

export type Identity =
  | { kind: 'device'; deviceId: string }
  | { kind: 'service'; name: string; publish: readonly string[]; subscribe: readonly string[] };

export interface ServiceIdentity {
  name: string;
  /** Password on plain TCP; on TLS the certificate's CN names the service instead. */
  secret: string;
  /** Topic filters (MQTT wildcards allowed) the service may publish to. */
  publish: readonly string[];
  /** Topic filters the service may subscribe to; a requested filter must be covered by one. */
  subscribe: readonly string[];
}

const BASIC_INGEST_ROOT = '$aws/rules/';

export function describeIdentity(identity: Identity): string {
  return identity.kind === 'device' ? `device ${identity.deviceId}` : `service ${identity.name}`;
}

export function mayPublish(identity: Identity, topic: string): boolean {
  if (identity.kind === 'device') {
    return topic === pressTopic(identity.deviceId) || topic === pressIngestTopic(identity.deviceId);
  }
  return identity.publish.some((filter) => topicMatches(filter, topic));
}

export function maySubscribe(identity: Identity, filter: string): boolean {
  if (filter.indexOf(BASIC_INGEST_ROOT) === 0) return false;
  if (identity.kind === 'device') return filter === ackTopic(identity.deviceId);
  return identity.subscribe.some((allowed) => filterCovers(allowed, filter));
}

/** MQTT topic matching: `+` is one level, a trailing `#` is any number of levels (also none). */
export function topicMatches(filter: string, topic: string): boolean {
  return filterCovers(filter, topic) && !topic.includes('+') && !topic.includes('#');
}

/** Whether every topic the requested filter can match is also matched by the allowed one. */
export function filterCovers(allowed: string, requested: string): boolean {
  const a = allowed.split('/');
  const r = requested.split('/');
  for (let i = 0; i < a.length; i++) {
    const level = a[i];
    if (level === '#') return i === a.length - 1;
    const want = r[i];
    if (want === undefined || want === '#') return false;
    if (level === '+') continue;
    if (want === '+' || want !== level) return false;
  }
  return a.length === r.length;
}
