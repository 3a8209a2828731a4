import { constantTimeEqual, toHex } from './bytes.ts';
import { canonicalAck, canonicalManifest, canonicalPress } from './canonical.ts';
import {
  CLICK_TYPES,
  DEVICE_ID_MAX_LENGTH,
  JOB_ID_MAX_LENGTH,
  MAX_ATTEMPTS,
  MAX_BATTERY_MV,
  MAX_BLOCK_BYTES,
  MAX_IMAGE_BYTES,
  MAX_KEY_VERSION,
  MAX_MANIFEST_BYTES,
  MAX_MESSAGE_BYTES,
  MAX_SEQUENCE,
  MAX_UPDATE_FLAGS,
  MAX_VERSION,
  MIN_BLOCK_BYTES,
  ORDER_ID_MAX_LENGTH,
  OUTCOMES,
  type RejectReason,
  SIGNATURE_BYTES,
} from './constants.ts';
import { type Sha256, signatureOf } from './hmac.ts';
import { findViolation, hasOwn, type Infer, type MessageSchema } from './schema.ts';

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

/** Version 2: the firmware version that sent the press and the settings version it applied. */
export const PRESS_V2_SCHEMA = /* @__PURE__ */ Object.assign({}, PRESS_SCHEMA, {
  fw: { kind: 'int', min: 1, max: MAX_VERSION },
  cfg: { kind: 'int', min: 0, max: MAX_VERSION },
} as const);

export const ACK_SCHEMA = {
  v: { kind: 'int', min: 0, max: MAX_KEY_VERSION },
  device: { kind: 'id', maxLength: DEVICE_ID_MAX_LENGTH },
  seq: { kind: 'int', min: 1, max: MAX_SEQUENCE },
  outcome: { kind: 'enum', values: OUTCOMES },
  order: { kind: 'id', maxLength: ORDER_ID_MAX_LENGTH, optional: true },
  kv: { kind: 'int', min: 1, max: MAX_KEY_VERSION },
  sig: { kind: 'hex', length: SIGNATURE_HEX },
} as const;

/** Version 2: `upd` says what waits for the button (UpdateFlag bits); absent when nothing does. */
export const ACK_V2_SCHEMA = /* @__PURE__ */ Object.assign({}, ACK_SCHEMA, {
  upd: { kind: 'int', min: 1, max: MAX_UPDATE_FLAGS, optional: true },
} as const);

export const MANIFEST_SCHEMA = {
  v: { kind: 'int', min: 2, max: 2 },
  device: { kind: 'id', maxLength: DEVICE_ID_MAX_LENGTH },
  job: { kind: 'id', maxLength: JOB_ID_MAX_LENGTH },
  fw: { kind: 'int', min: 1, max: MAX_VERSION },
  size: { kind: 'int', min: 1, max: MAX_IMAGE_BYTES },
  sha256: { kind: 'hex', length: 64 },
  stream: { kind: 'id', maxLength: JOB_ID_MAX_LENGTH },
  block: { kind: 'int', min: MIN_BLOCK_BYTES, max: MAX_BLOCK_BYTES },
  kv: { kind: 'int', min: 1, max: MAX_KEY_VERSION },
  sig: { kind: 'hex', length: SIGNATURE_HEX },
} as const;

/** A press of either version; `fw` and `cfg` are present exactly when `v` is 2. */
export type Press = Infer<typeof PRESS_SCHEMA> & { fw?: number; cfg?: number };
/** An ack of either version; `upd` only ever in version 2. */
export type Ack = Infer<typeof ACK_SCHEMA> & { upd?: number };
export type Manifest = Infer<typeof MANIFEST_SCHEMA>;
export type UnsignedPress = Omit<Press, 'sig' | 'v'>;
/** `v` is the version of the press being answered (1 when absent). */
export type UnsignedAck = Omit<Ack, 'sig' | 'v'> & { v?: number };
export type UnsignedManifest = Omit<Manifest, 'sig' | 'v'>;

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

/** The schema of each contract version a message type exists in. */
type Versions = { [version: number]: MessageSchema };

/**
 * Parses and validates untrusted text. Never throws: every hostile input becomes a Rejection
 * with a reason code. The version is checked before anything else so that a future contract's
 * message is reported as UNKNOWN_VERSION rather than as a schema error.
 */
function decode<T>(versions: Versions, maxBytes: number, raw: unknown): Decoded<T> {
  if (typeof raw !== 'string') return reject('MALFORMED');
  if (raw.length > maxBytes) return reject('OVERSIZED');
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
  const schema = hasOwn(versions, String(input.v)) ? versions[input.v] : undefined;
  if (schema === undefined) return reject('UNKNOWN_VERSION', 'v');
  const violation = findViolation(schema, input);
  if (violation) return reject(violation.reason, violation.field);
  return { ok: true, message: input as T };
}

const PRESS_VERSIONS: Versions = { 1: PRESS_SCHEMA, 2: PRESS_V2_SCHEMA };
const ACK_VERSIONS: Versions = { 1: ACK_SCHEMA, 2: ACK_V2_SCHEMA };
const MANIFEST_VERSIONS: Versions = { 2: MANIFEST_SCHEMA };

export function decodePress(raw: unknown): Decoded<Press> {
  return decode<Press>(PRESS_VERSIONS, MAX_MESSAGE_BYTES, raw);
}

export function decodeAck(raw: unknown): Decoded<Ack> {
  return decode<Ack>(ACK_VERSIONS, MAX_MESSAGE_BYTES, raw);
}

export function decodeManifest(raw: unknown): Decoded<Manifest> {
  return decode<Manifest>(MANIFEST_VERSIONS, MAX_MANIFEST_BYTES, raw);
}

/** Key order is fixed so that the same message always encodes to the same bytes. */
export function encodePress(p: Press): string {
  const out: Record<string, string | number> = {
    v: p.v,
    device: p.device,
    seq: p.seq,
    click: p.click,
    battery_mv: p.battery_mv,
    attempt: p.attempt,
    kv: p.kv,
  };
  if (p.v !== 1) {
    out.fw = p.fw as number;
    out.cfg = p.cfg as number;
  }
  out.sig = p.sig;
  return JSON.stringify(out);
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
  if (a.upd !== undefined) out.upd = a.upd;
  out.sig = a.sig;
  return JSON.stringify(out);
}

export function encodeManifest(m: Manifest): string {
  return JSON.stringify({
    v: m.v,
    device: m.device,
    job: m.job,
    fw: m.fw,
    size: m.size,
    sha256: m.sha256,
    stream: m.stream,
    block: m.block,
    kv: m.kv,
    sig: m.sig,
  });
}

/** Version 2 when the fields carry a firmware version (`cfg` then defaults to 0), else 1. */
export function signPress(sha256: Sha256, key: Uint8Array, fields: UnsignedPress): Press {
  const unsigned: Omit<Press, 'sig'> = {
    v: fields.fw === undefined ? 1 : 2,
    device: fields.device,
    seq: fields.seq,
    click: fields.click,
    battery_mv: fields.battery_mv,
    attempt: fields.attempt,
    kv: fields.kv,
  };
  if (fields.fw !== undefined) {
    unsigned.fw = fields.fw;
    unsigned.cfg = fields.cfg === undefined ? 0 : fields.cfg;
  }
  const sig = toHex(signatureOf(sha256, key, canonicalPress(unsigned)));
  return Object.assign(unsigned, { sig });
}

/** Answers in version `fields.v` (default 1); `upd` is only sent in version 2, and only when set. */
export function signAck(sha256: Sha256, key: Uint8Array, fields: UnsignedAck): Ack {
  const v = fields.v === 2 ? 2 : 1;
  const unsigned: Omit<Ack, 'sig'> = {
    v,
    device: fields.device,
    seq: fields.seq,
    outcome: fields.outcome,
    kv: fields.kv,
  };
  if (fields.order !== undefined) unsigned.order = fields.order;
  if (v === 2 && fields.upd) unsigned.upd = fields.upd;
  const sig = toHex(signatureOf(sha256, key, canonicalAck(unsigned)));
  return Object.assign(unsigned, { sig });
}

export function signManifest(sha256: Sha256, key: Uint8Array, fields: UnsignedManifest): Manifest {
  const unsigned = {
    v: 2,
    device: fields.device,
    job: fields.job,
    fw: fields.fw,
    size: fields.size,
    sha256: fields.sha256,
    stream: fields.stream,
    block: fields.block,
    kv: fields.kv,
  };
  const sig = toHex(signatureOf(sha256, key, canonicalManifest(unsigned)));
  return Object.assign(unsigned, { sig });
}

export function verifyPress(sha256: Sha256, key: Uint8Array, press: Press): boolean {
  return constantTimeEqual(toHex(signatureOf(sha256, key, canonicalPress(press))), press.sig);
}

export function verifyAck(sha256: Sha256, key: Uint8Array, ack: Ack): boolean {
  return constantTimeEqual(toHex(signatureOf(sha256, key, canonicalAck(ack))), ack.sig);
}

export function verifyManifest(sha256: Sha256, key: Uint8Array, manifest: Manifest): boolean {
  return constantTimeEqual(
    toHex(signatureOf(sha256, key, canonicalManifest(manifest))),
    manifest.sig,
  );
}
