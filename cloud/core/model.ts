/**
 * Domain records as the core sees them. Money is integer minor units (cents); times are epoch
 * milliseconds from the injected clock. Storage mapping lives in cloud/store, not here.
 */
import type { ClickType, Outcome, RejectReason } from '#shared/index';
import type { RhythmBook } from './guard/rhythm.ts';
import type { DesiredSettings, ReportedSettings, UpdateAssignment } from './ota/ports.ts';

export type Role = 'household' | 'brand' | 'support';

/** Who caused a transition: recorded on every order change. */
export interface Actor {
  kind: Role | 'device' | 'system';
  id: string;
}

export const ORDER_STATUSES = [
  'NEEDS_CONFIRMATION',
  'PLACED',
  'CONFIRMED',
  'SHIPPED',
  'DELIVERED',
  'CANCELLED',
  'EXPIRED',
] as const;
export type OrderStatus = (typeof ORDER_STATUSES)[number];

/** Statuses that still hold the button (count against its open-order cap). */
export const OPEN_STATUSES: readonly OrderStatus[] = [
  'NEEDS_CONFIRMATION',
  'PLACED',
  'CONFIRMED',
  'SHIPPED',
];

export interface Brand {
  brandId: string;
  name: string;
  createdAt: number;
}

export interface PriceChange {
  priceCents: number;
  at: number;
}

export interface Sku {
  brandId: string;
  skuId: string;
  name: string;
  priceCents: number;
  currency: string;
  maxQuantity: number;
  inStock: boolean;
  retired: boolean;
  priceHistory: PriceChange[];
  updatedAt: number;
  /** The brand's "usually lasts N days": the reorder rhythm until a household has its own. */
  usualIntervalDays?: number | null;
}

/** What a DOUBLE press does: order another quantity or another SKU of the same brand. */
export interface SecondAction {
  skuId: string;
  quantity: number;
}

/** The per-button settings a household controls. */
export interface ButtonSettings {
  skuId: string | null;
  quantity: number;
  secondAction: SecondAction | null;
  cancelWindowMinutes: number;
  /** 1 = no concurrent orders (a press while one is open answers IN_PROGRESS). */
  maxOpenOrders: number;
  /** How far (percent) the price may exceed the accepted price before confirmation is needed. */
  priceIncreaseLimitPct: number;
  /** The unit price the household last accepted for the bound SKU, or null before the first order. */
  acceptedPriceCents: number | null;
  /** Require explicit confirmation for the first order of a SKU. */
  confirmFirstOrder: boolean;
  /** 'confirm': every press waits for the household; 'disabled': presses order nothing. */
  childLock: ChildLock;
  /** Presses in this local-time window (it may wrap midnight) wait for confirmation. */
  quietHours: QuietHours | null;
  /** IANA time zone of the household, for quiet hours and dates in messages. */
  timeZone: string;
  /** A press before this percentage of the usual interval has passed waits for confirmation. */
  earlyReorderPct: number;
  /** Learn the reorder rhythm from this household's delivered orders (off: nothing is learned or used). */
  learnRhythm: boolean;
  /** Remind the household when the next-need date passes without a press. */
  remindWhenDue: boolean;
  /** Presses this soon after an order are the same intent (0: every press is its own). */
  burstWindowSeconds: number;
}

export const CHILD_LOCKS = ['off', 'confirm', 'disabled'] as const;
export type ChildLock = (typeof CHILD_LOCKS)[number];

/** Local wall-clock times "HH:MM". */
export interface QuietHours {
  from: string;
  to: string;
}

export const DEFAULT_SETTINGS: ButtonSettings = {
  skuId: null,
  quantity: 1,
  secondAction: null,
  cancelWindowMinutes: 30,
  maxOpenOrders: 1,
  priceIncreaseLimitPct: 0,
  acceptedPriceCents: null,
  confirmFirstOrder: false,
  childLock: 'off',
  quietHours: null,
  timeZone: 'UTC',
  earlyReorderPct: 25,
  learnRhythm: true,
  remindWhenDue: false,
  burstWindowSeconds: 10,
};

export interface Button {
  deviceId: string;
  brandId: string;
  serial: string;
  keyVersion: number;
  householdId: string | null;
  settings: ButtonSettings;
  /** Highest sequence number accepted from this device (replay high-water mark). */
  highWaterMark: number;
  /**
   * Snapshots (as created) of the orders that hold this button. The cap is enforced on this
   * list, and a press that crashed after claiming is rolled forward from it.
   */
  open: Order[];
  lastPressAt: number | null;
  batteryMv: number | null;
  createdAt: number;
  /** The household's learned reorder rhythm (press path owned); only the household sees it. */
  rhythm?: RhythmBook;
  /** A test button of the brand's sandbox: its presses make TEST orders. */
  test?: boolean;
  /**
   * The button's current firmware update and its desired/reported settings (update and settings
   * stores own them). They live on the button item so the press path learns what waits for the
   * button from the load it already makes (core/ota/pending.ts).
   */
  ota?: UpdateAssignment;
  desired?: DesiredSettings;
  reported?: ReportedSettings;
  /** Firmware and settings versions the button's last version 2 press reported. */
  firmware?: number;
  settingsVersion?: number;
}

/**
 * What the accidental-order guard takes from the household as a whole: its time zone, quiet
 * hours and whether its rhythm is learned. Changing them applies them to every button it holds
 * (the press path reads them there, in the read it already makes).
 */
export interface HouseholdGuardSettings {
  timeZone: string;
  quietHours: QuietHours | null;
  learnRhythm: boolean;
}

export const DEFAULT_HOUSEHOLD_GUARD: HouseholdGuardSettings = {
  timeZone: DEFAULT_SETTINGS.timeZone,
  quietHours: DEFAULT_SETTINGS.quietHours,
  learnRhythm: DEFAULT_SETTINGS.learnRhythm,
};

export interface Household {
  householdId: string;
  name: string;
  email: string;
  address: string;
  createdAt: number;
}

export interface Transition {
  status: OrderStatus;
  at: number;
  actor: Actor;
  reason?: string;
}

export interface Order {
  orderId: string;
  deviceId: string;
  seq: number;
  householdId: string;
  brandId: string;
  skuId: string;
  skuName: string;
  quantity: number;
  unitPriceCents: number;
  currency: string;
  /** The accepted price the press was judged against (for the confirm page: old vs new). */
  acceptedPriceCents: number | null;
  status: OrderStatus;
  placedAt: number;
  /** The button's cancel window when the order was made; it restarts when a household confirms. */
  cancelWindowMinutes: number;
  /** While PLACED: end of the cancel window; while NEEDS_CONFIRMATION: when it expires. */
  cancelDeadline: number;
  history: Transition[];
  /** Why the accidental-order guard held or flagged this order; absent or null when it did not. */
  guard?: OrderGuard | null;
  /** What the press that made the order reported about the button (fleet health reads it). */
  press?: PressTelemetry | null;
  /** Taken off the order's value (a welcome credit, set when it is delivered); absent or null: none. */
  discount?: Discount | null;
  /** Made by a test button (the brand's sandbox): never fulfilled, counted or invoiced. */
  test?: boolean;
}

/** The button's own figures from a press: battery, key version and, from contract v2, firmware. */
export interface PressTelemetry {
  batteryMv: number;
  keyVersion: number;
  firmware?: number;
  /** Set for a DOUBLE press only (an order's press is SINGLE otherwise), for its press record. */
  click?: 'DOUBLE';
}

/** A discount carried by an order; the amount is never more than the order's value. */
export interface Discount {
  kind: 'WELCOME_CREDIT';
  amount: number;
  currency: string;
  campaign?: string | null;
}

/** Why a press was held for confirmation, folded into another, refused or flagged for support. */
export const GUARD_REASONS = [
  'EARLY_REORDER',
  'QUIET_HOURS',
  'CHILD_LOCK',
  'BURST',
  'CANCELLED_THEN_REORDERED',
] as const;
export type GuardReason = (typeof GUARD_REASONS)[number];

export interface OrderGuard {
  reason: GuardReason;
  /** For EARLY_REORDER: the usual interval and the time since the last order, in whole days. */
  usualIntervalDays: number | null;
  daysSinceLast: number | null;
}

/** One entry of a button's press log: every press, accepted or not, with its outcome. */
export interface PressLogEntry {
  deviceId: string;
  seq: number | null;
  click: ClickType | null;
  outcome: Outcome;
  reason: RejectReason | GuardReason | 'DUPLICATE' | null;
  orderId: string | null;
  receivedAt: number;
  batteryMv: number | null;
  attempt: number | null;
}

export type OrderEventType =
  | 'OrderPlaced'
  | 'OrderNeedsConfirmation'
  | 'OrderConfirmed'
  | 'OrderCancelled'
  | 'OrderShipped'
  | 'OrderDelivered'
  | 'OrderExpired';

export interface OrderEvent {
  /** Stable across redeliveries (`{orderId}/{n}` for the n-th transition): consumers de-duplicate on it. */
  eventId: string;
  type: OrderEventType;
  orderId: string;
  householdId: string;
  brandId: string;
  at: number;
  order: Order;
}

export interface AuditEntry {
  auditId: string;
  at: number;
  actor: Actor;
  action: string;
  subject: string;
  reason: string | null;
}

/** The order id is derived from device id and sequence number: retries can never mint a second one. */
export function orderIdFor(deviceId: string, seq: number): string {
  return `${deviceId}-${seq}`;
}

/** The inverse of orderIdFor; the last `-` separates the sequence number (device ids may hold `-`). */
export function parseOrderId(orderId: string): { deviceId: string; seq: number } | null {
  const at = orderId.lastIndexOf('-');
  if (at <= 0) return null;
  const seq = Number(orderId.slice(at + 1));
  if (!Number.isSafeInteger(seq) || seq < 1 || String(seq) !== orderId.slice(at + 1)) return null;
  return { deviceId: orderId.slice(0, at), seq };
}
