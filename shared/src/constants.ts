/**
 * The message contract's fixed values. Everything here is plain data so that the device
 * bundle (Espruino) and the cloud (Node) read the same definitions.
 */

/**
 * Version 2 adds the firmware and settings versions to a press and the `upd` flags to an ack.
 * The cloud accepts both and answers each press in its own version, so buttons that were
 * never updated keep working.
 */
export const CONTRACT_VERSION = 2;
export const CONTRACT_VERSIONS: readonly number[] = [1, 2];

export const TOPIC_ROOT = 'restock/v1';

/**
 * The AWS IoT rule that hands presses to the press handler. Buttons publish straight to it
 * (Basic Ingest, `$aws/rules/{rule}/…`), which skips the message broker and its per-message
 * charge. Rule names are account-wide like the topics themselves: one deployment per account
 * and region. Letters, digits and `_` only (IoT's rule-name alphabet).
 */
export const PRESS_RULE_NAME = 'restock_v1_press';

/** Both messages must stay well under 256 bytes on the wire. */
export const MAX_MESSAGE_BYTES = 256;

/** HMAC-SHA256 is truncated to its first 16 bytes: 128 bits, 32 hex characters. */
export const SIGNATURE_BYTES = 16;

/** Short enough that an order id (`{device}-{seq}`) stays within ORDER_ID_MAX_LENGTH. */
export const DEVICE_ID_MAX_LENGTH = 48;
export const ORDER_ID_MAX_LENGTH = 64;

/** Espruino stores integers up to 2^31 - 1 natively; the counter never needs more. */
export const MAX_SEQUENCE = 2147483647;
export const MAX_BATTERY_MV = 10000;
export const MAX_ATTEMPTS = 1000;
export const MAX_KEY_VERSION = 65535;
/** Firmware and settings versions are Espruino-native integers too. */
export const MAX_VERSION = 2147483647;

/** Bits of an ack's `upd`: what waits for the button besides the answer to its press. */
export const UpdateFlag = {
  FIRMWARE: 1,
  SETTINGS: 2,
} as const;
export const MAX_UPDATE_FLAGS = 3;

/**
 * What a brand may set on a button (Device Shadow `desired`), checked by the cloud when it is
 * set and by the firmware again before it applies it.
 */
export const DEVICE_SETTINGS_BOUNDS = {
  /** LED brightness in percent. */
  led: { min: 0, max: 100 },
  /** The window for a second click: shorter misses slow double clicks, longer delays every order. */
  doubleMs: { min: 150, max: 1000 },
  /** The hold that means LONG; at 5 s the button enters setup mode, so LONG must end before. */
  longMs: { min: 1000, max: 4500 },
  /** Networks tried in order; the firmware keeps at most three. */
  wifi: { max: 3 },
  /** 802.11 SSIDs are 1..32 bytes; WPA2 passphrases 8..63 characters (empty: an open network). */
  ssid: { min: 1, max: 32 },
  pass: { min: 8, max: 63 },
} as const;

/** What a button's second click does: order (its second action), cancel, or nothing. */
export const SECOND_ACTIONS = ['order', 'cancel', 'none'] as const;

/** A manifest is not a press or an ack: it carries a hash and a stream name, so it may be longer. */
export const MAX_MANIFEST_BYTES = 512;
/** The largest firmware image a button accepts (two slots must fit in its flash). */
export const MAX_IMAGE_BYTES = 65536;
/** Block sizes a button accepts: a base64 block plus its envelope stays under its 2 KB frames. */
export const MIN_BLOCK_BYTES = 64;
export const MAX_BLOCK_BYTES = 1024;
export const JOB_ID_MAX_LENGTH = 64;

export const ClickType = {
  SINGLE: 'SINGLE',
  DOUBLE: 'DOUBLE',
  LONG: 'LONG',
} as const;
export type ClickType = (typeof ClickType)[keyof typeof ClickType];
export const CLICK_TYPES: readonly ClickType[] = ['SINGLE', 'DOUBLE', 'LONG'];

/** What an ack tells the button. One list, shared by firmware, cloud and CLI. */
export const Outcome = {
  ORDERED: 'ORDERED',
  IN_PROGRESS: 'IN_PROGRESS',
  CANCELLED: 'CANCELLED',
  NEEDS_CONFIRMATION: 'NEEDS_CONFIRMATION',
  OUT_OF_STOCK: 'OUT_OF_STOCK',
  UNBOUND: 'UNBOUND',
  REJECTED: 'REJECTED',
} as const;
export type Outcome = (typeof Outcome)[keyof typeof Outcome];
export const OUTCOMES: readonly Outcome[] = [
  'ORDERED',
  'IN_PROGRESS',
  'CANCELLED',
  'NEEDS_CONFIRMATION',
  'OUT_OF_STOCK',
  'UNBOUND',
  'REJECTED',
];

/**
 * Why a message was refused. These go to logs and the press log, never into an ack
 * (an ack only says REJECTED).
 */
export const RejectReason = {
  MALFORMED: 'MALFORMED',
  OVERSIZED: 'OVERSIZED',
  UNKNOWN_VERSION: 'UNKNOWN_VERSION',
  MISSING_FIELD: 'MISSING_FIELD',
  BAD_TYPE: 'BAD_TYPE',
  UNKNOWN_FIELD: 'UNKNOWN_FIELD',
  BAD_SIGNATURE: 'BAD_SIGNATURE',
  UNKNOWN_KEY_VERSION: 'UNKNOWN_KEY_VERSION',
  UNKNOWN_DEVICE: 'UNKNOWN_DEVICE',
  TOPIC_MISMATCH: 'TOPIC_MISMATCH',
  REPLAYED: 'REPLAYED',
  NOTHING_TO_CANCEL: 'NOTHING_TO_CANCEL',
} as const;
export type RejectReason = (typeof RejectReason)[keyof typeof RejectReason];
