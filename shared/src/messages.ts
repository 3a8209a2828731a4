import { constantTimeEqual, toHex } from './bytes.ts';
import { canonicalAck, canonicalPress } from './canonical.ts';
import {
  CLICK_TYPES,
  CONTRACT_VERSION,
  DEVICE_ID_MAX_LENGTH,
  MAX_ATTEMPTS,
  MAX_BATTERY_MV,
  MAX_KEY_VERSION,
  MAX_MESSAGE_BYTES,
  MAX_SEQUENCE,
  ORDER_ID_MAX_LENGTH,
  OUTCOMES,
  type RejectReason,
  SIGNATURE_BYTES,
} from './constants.ts';
import { type Sha256, signatureOf } from './hmac.ts';
import { findViolation, hasOwn, type Infer } from './schema.ts';

const SIGNATURE_HEX = SIGNATURE_BYTES * 2;

export const PRESS_SCHEMA = {
  v: { kind: 'int', min: 0, max: MAX_KEY_VERSION },
  device: { kind: 'id', maxLength: DEVICE_ID_MAX_LENGTH },
  seq: { kind: 'int', min: 1, max: MAX_SEQUENCE },
  click: { kind: 'enum', values: CLICK_TYPES },
  battery_mv: { kind: 'int', min: 0, max: MAX_BATTERY_MV },
  attempt: { kind: 'int', min: 1, max: MAX_ATTEMPTS },
  kv: { kind: 'int', min: 1, max: MAX_KEY_VERSION },
  sig: { kind: 'hex', length: SIGNATURE_HEX },
} as const;

export const ACK_SCHEMA = {
  v: { kind: 'int', min: 0, max: MAX_KEY_VERSION },
  device: { kind: 'id', maxLength: DEVICE_ID_MAX_LENGTH },
  seq: { kind: 'int', min: 1, max: MAX_SEQUENCE },
  outcome: { kind: 'enum', values: OUTCOMES },
  order: { kind: 'id', maxLength: ORDER_ID_MAX_LENGTH, optional: true },
  kv: { kind: 'int', min: 1, max: MAX_KEY_VERSION },
  sig: { kind: 'hex', length: SIGNATURE_HEX },
} as const;

export type Press = Infer<typeof PRESS_SCHEMA>;
export type Ack = Infer<typeof ACK_SCHEMA>;
export type UnsignedPress = Omit<Press, 'sig' | 'v'>;
export type UnsignedAck = Omit<Ack, 'sig' | 'v'>;

export interface Rejection {
  ok: false;
  reason: RejectReason;
  /** The offending field, for logs. */
  field?: string;
}
export type Decoded<T> = { ok: true; message: T } | Rejection;

function reject(reason: RejectReason, field?: string): Rejection {
  return field === undefined ? { ok: false, reason } : { ok: false, reason, field };
}

/**
 * Parses and validates untrusted text. Never throws: every hostile input becomes a Rejection
 * with a reason code. The version is checked before anything else so that a future contract's
 * message is reported as UNKNOWN_VERSION rather than as a schema error.
 */
function decode<T>(schema: typeof PRESS_SCHEMA | typeof ACK_SCHEMA, raw: unknown): Decoded<T> {
  if (typeof raw !== 'string') return reject('MALFORMED');
  if (raw.length > MAX_MESSAGE_BYTES) return reject('OVERSIZED');
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch (_error) {
    return reject('MALFORMED');
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    return reject('MALFORMED');
  }
  const input = parsed as Record<string, unknown>;
  if (!hasOwn(input, 'v')) return reject('MISSING_FIELD', 'v');
  if (typeof input.v !== 'number') return reject('BAD_TYPE', 'v');
  if (input.v !== CONTRACT_VERSION) return reject('UNKNOWN_VERSION', 'v');
  const violation = findViolation(schema, input);
  if (violation) return reject(violation.reason, violation.field);
  return { ok: true, message: input as T };
}

export function decodePress(raw: unknown): Decoded<Press> {
  return decode<Press>(PRESS_SCHEMA, raw);
}

export function decodeAck(raw: unknown): Decoded<Ack> {
  return decode<Ack>(ACK_SCHEMA, raw);
}

/** Key order is fixed so that the same message always encodes to the same bytes. */
export function encodePress(p: Press): string {
  return JSON.stringify({
    v: p.v,
    device: p.device,
    seq: p.seq,
    click: p.click,
    battery_mv: p.battery_mv,
    attempt: p.attempt,
    kv: p.kv,
    sig: p.sig,
  });
}

export function encodeAck(a: Ack): string {
  const out: Record<string, string | number> = {
    v: a.v,
    device: a.device,
    seq: a.seq,
    outcome: a.outcome,
  };
  if (a.order !== undefined) out.order = a.order;
  out.kv = a.kv;
  out.sig = a.sig;
  return JSON.stringify(out);
}

export function signPress(sha256: Sha256, key: Uint8Array, fields: UnsignedPress): Press {
  const unsigned = {
    v: CONTRACT_VERSION,
    device: fields.device,
    seq: fields.seq,
    click: fields.click,
    battery_mv: fields.battery_mv,
    attempt: fields.attempt,
    kv: fields.kv,
  };
  const sig = toHex(signatureOf(sha256, key, canonicalPress(unsigned)));
  return Object.assign(unsigned, { sig });
}

export function signAck(sha256: Sha256, key: Uint8Array, fields: UnsignedAck): Ack {
  const unsigned: Omit<Ack, 'sig'> = {
    v: CONTRACT_VERSION,
    device: fields.device,
    seq: fields.seq,
    outcome: fields.outcome,
    kv: fields.kv,
  };
  if (fields.order !== undefined) unsigned.order = fields.order;
  const sig = toHex(signatureOf(sha256, key, canonicalAck(unsigned)));
  return Object.assign(unsigned, { sig });
}

export function verifyPress(sha256: Sha256, key: Uint8Array, press: Press): boolean {
  return constantTimeEqual(toHex(signatureOf(sha256, key, canonicalPress(press))), press.sig);
}

export function verifyAck(sha256: Sha256, key: Uint8Array, ack: Ack): boolean {
  return constantTimeEqual(toHex(signatureOf(sha256, key, canonicalAck(ack))), ack.sig);
}
