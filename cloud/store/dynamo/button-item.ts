/**
 * Maps a Button to its table item and back. The press path and the API both write this item,
 * each only the attributes it owns (SET on named attributes, never a whole-item put after
 * creation), so neither overwrites the other's changes:
 * - the API owns: brandId, serial, keyVersion, householdId, settings, claimHash, test, gsi1/gsi2 keys;
 * - the press path owns: hwm, open, recent, rhythm, lastPressAt, batteryMv, fw, cfg;
 * - the update and settings stores own: ota, desired, reported.
 *
 * The press path rewrites this item on every press and DynamoDB bills each started KB, so the
 * open orders are kept in a compact form (OpenEntry): short attribute names, and nothing the
 * button already holds (device, household, brand, order id). Items written before this form
 * hold whole orders; both read back as the same Order.
 */

import type { RhythmBook } from '../../core/guard/rhythm.ts';
import {
  type Button,
  DEFAULT_SETTINGS,
  type Discount,
  type Order,
  type OrderGuard,
  type OrderStatus,
  orderIdFor,
  type PressTelemetry,
  type Transition,
} from '../../core/model.ts';
import type { DesiredSettings, ReportedSettings, UpdateAssignment } from '../../core/ota/ports.ts';
import type { LoadedButton, RecentDecision } from '../../core/press/press-store.ts';
import { commitMarkSeq, keys } from './table-keys.ts';

export interface ButtonItem {
  pk: string;
  sk: string;
  type: 'button';
  deviceId: string;
  brandId: string;
  serial: string;
  keyVersion: number;
  householdId: string | null;
  settings: Button['settings'];
  hwm: number;
  open: (OpenEntry | Order)[];
  recent: RecentDecision[];
  rhythm?: RhythmBook;
  lastPressAt: number | null;
  batteryMv: number | null;
  createdAt: number;
  test?: boolean;
  ota?: UpdateAssignment;
  desired?: DesiredSettings;
  reported?: ReportedSettings;
  fw?: number;
  cfg?: number;
  gsi1pk?: string;
  gsi1sk?: string;
  gsi2pk: string;
  gsi2sk: string;
  /** On a table without streams: the first claim the commit relay still owes (table-keys.ts). */
  commitPk?: string;
  commitSk?: string;
}

export function householdIndexKeys(householdId: string, deviceId: string) {
  return { gsi1pk: `HH#${householdId}`, gsi1sk: `BTN#${deviceId}` };
}

export function toButtonItem(button: Button): ButtonItem {
  return {
    ...keys.button(button.deviceId),
    type: 'button',
    deviceId: button.deviceId,
    brandId: button.brandId,
    serial: button.serial,
    keyVersion: button.keyVersion,
    householdId: button.householdId,
    settings: button.settings,
    hwm: button.highWaterMark,
    open: button.open.map(toOpenEntry),
    recent: [],
    lastPressAt: button.lastPressAt,
    batteryMv: button.batteryMv,
    createdAt: button.createdAt,
    ...(button.test ? { test: true } : {}),
    ...(button.ota ? { ota: button.ota } : {}),
    ...(button.desired ? { desired: button.desired } : {}),
    ...(button.householdId ? householdIndexKeys(button.householdId, button.deviceId) : {}),
    gsi2pk: `BRAND#${button.brandId}`,
    gsi2sk: `BTN#${button.deviceId}`,
  };
}

export function fromButtonItem(item: Record<string, unknown>): LoadedButton {
  const i = item as unknown as ButtonItem;
  return {
    deviceId: i.deviceId,
    brandId: i.brandId,
    serial: i.serial,
    keyVersion: i.keyVersion,
    householdId: i.householdId ?? null,
    settings: { ...DEFAULT_SETTINGS, ...i.settings },
    highWaterMark: i.hwm ?? 0,
    open: (i.open ?? []).map((entry) => fromOpenEntry(entry, i)),
    recent: i.recent ?? [],
    rhythm: i.rhythm ?? {},
    lastPressAt: i.lastPressAt ?? null,
    batteryMv: i.batteryMv ?? null,
    createdAt: i.createdAt,
    ...(i.test === true ? { test: true } : {}),
    ...(i.ota ? { ota: i.ota } : {}),
    ...(i.desired ? { desired: i.desired } : {}),
    ...(i.reported ? { reported: i.reported } : {}),
    ...(i.fw !== undefined ? { firmware: i.fw, settingsVersion: i.cfg ?? 0 } : {}),
    ...(typeof i.commitSk === 'string' ? { owedFrom: commitMarkSeq(i.commitSk) } : {}),
  };
}

/**
 * An open order on its button. `seq` keeps its name: release and reset conditions compare
 * `open[i].seq`. Absent: `h` (history) when it is the one transition the press made, `a`
 * (accepted price), `g` (guard) and `b` (press telemetry) when null, `x` unless a test order.
 * `d` is the deadline as an offset from `t` (placement). The household is the button's: the
 * order item, written right after the press commits, keeps its own.
 */
export interface OpenEntry {
  seq: number;
  s: OrderStatus;
  k: string;
  n: string;
  q: number;
  p: number;
  c: string;
  a?: number;
  t: number;
  w: number;
  d: number;
  h?: Transition[];
  g?: OrderGuard;
  b?: PressTelemetry;
  dc?: Discount;
  x?: true;
}

/** The history an order has when its press creates it: one transition, by the button. */
const isPressHistory = (order: Order) =>
  order.history.length === 1 &&
  order.history[0]?.status === order.status &&
  order.history[0].at === order.placedAt &&
  order.history[0].actor.kind === 'device' &&
  order.history[0].actor.id === order.deviceId &&
  order.history[0].reason === undefined;

export function toOpenEntry(order: Order): OpenEntry {
  return {
    seq: order.seq,
    s: order.status,
    k: order.skuId,
    n: order.skuName,
    q: order.quantity,
    p: order.unitPriceCents,
    c: order.currency,
    ...(order.acceptedPriceCents === null ? {} : { a: order.acceptedPriceCents }),
    t: order.placedAt,
    w: order.cancelWindowMinutes,
    d: order.cancelDeadline - order.placedAt,
    ...(isPressHistory(order) ? {} : { h: order.history }),
    ...(order.guard ? { g: order.guard } : {}),
    ...(order.press ? { b: order.press } : {}),
    ...(order.discount ? { dc: order.discount } : {}),
    ...(order.test ? { x: true as const } : {}),
  };
}

/** Either form back to the Order, shaped as an order item reads back (absent → null). */
export function fromOpenEntry(
  entry: OpenEntry | Order,
  button: Pick<ButtonItem, 'deviceId' | 'householdId' | 'brandId'>,
): Order {
  if ('orderId' in entry) return entry;
  const order: Order = {
    orderId: orderIdFor(button.deviceId, entry.seq),
    deviceId: button.deviceId,
    seq: entry.seq,
    householdId: button.householdId as string,
    brandId: button.brandId,
    skuId: entry.k,
    skuName: entry.n,
    quantity: entry.q,
    unitPriceCents: entry.p,
    currency: entry.c,
    acceptedPriceCents: entry.a ?? null,
    status: entry.s,
    placedAt: entry.t,
    cancelWindowMinutes: entry.w,
    cancelDeadline: entry.t + entry.d,
    history: entry.h ?? [
      { status: entry.s, at: entry.t, actor: { kind: 'device', id: button.deviceId } },
    ],
    guard: entry.g ?? null,
    press: entry.b ?? null,
  };
  if (entry.dc) order.discount = entry.dc;
  if (entry.x) order.test = true;
  return order;
}
