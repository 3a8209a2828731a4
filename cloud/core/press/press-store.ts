/**
 * The port the press pipeline writes through. Every method is one store call, so the number of
 * calls per press is visible here (and in the benchmark): load the button, claim (the commit
 * point; the ack goes out after it). What follows from the claim (the order item or press
 * record) is written by the commit relay (commit-relay.ts), not by the handler.
 */
import type { ClickType } from '#shared/index';
import type { OpenOrderRef } from '../guard/guard.ts';
import type { RhythmBook } from '../guard/rhythm.ts';
import type { Button, Order, PressLogEntry, Sku } from '../model.ts';

/** A non-order decision kept on the button until its press record exists (crash roll-forward). */
export interface RecentDecision {
  seq: number;
  outcome: PressLogEntry['outcome'];
  reason: PressLogEntry['reason'];
  orderId: string | null;
  /** A burst's open order, flagged BURST for support when the decision completes (idempotent). */
  flag?: OpenOrderRef;
  /** When the press arrived and how it was clicked, for its press record (absent on old items). */
  at?: number;
  click?: ClickType;
}

/** The button as the press path reads it: with its recent decisions and the household's rhythm. */
export type LoadedButton = Button & {
  recent: RecentDecision[];
  rhythm: RhythmBook;
  /**
   * On a table without streams, the first sequence number whose writes the commit relay may
   * still owe; absent when nothing is owed, or when a stream carries every claim.
   */
  owedFrom?: number;
};

export interface PressContext {
  button: LoadedButton | null;
  /** The SKU the button's SINGLE press orders, read in the same round trip where possible. */
  sku: Sku | null;
}

/** What a claim writes to the button in one conditional update. */
export interface Claim {
  deviceId: string;
  seq: number;
  /** The high-water mark the decision was made on: the claim fails if it moved (optimistic). */
  readHighWaterMark: number;
  at: number;
  batteryMv: number;
  /** Reported by version 2 presses only; written in the same update. */
  firmware?: number | undefined;
  settingsVersion?: number | undefined;
  /** A new open order (ORDERED or NEEDS_CONFIRMATION), checked against the cap atomically. */
  order?: { snapshot: Order; maxOpenOrders: number } | undefined;
  /** Set when the press fixed the household's accepted price (first order of a SKU). */
  acceptedPriceCents?: number | undefined;
  /** The button's recent decisions after this one (bounded), for non-order outcomes. */
  recent?: RecentDecision[] | undefined;
}

export type StoredPress = { kind: 'order'; order: Order } | { kind: 'press'; entry: PressLogEntry };

export interface PressStore {
  /** The button and its SKU: one call when the SKU is cached or its binding known. */
  loadContext(deviceId: string): Promise<PressContext>;
  getSku(brandId: string, skuId: string): Promise<Sku | null>;
  /** The order or press record stored for (device, seq), if any. */
  findPress(deviceId: string, seq: number): Promise<StoredPress | null>;
  /** Returns false when the button changed since it was read (or the cap is reached). */
  claim(claim: Claim): Promise<boolean>;
  /** Conditional on absence; returns false when it already existed. */
  createOrder(order: Order, press: PressLogEntry): Promise<boolean>;
  /** Conditional on absence; returns false when it already existed. */
  recordPress(entry: PressLogEntry): Promise<boolean>;
  /**
   * Removes an order that is no longer open from its button's open list and, in the same write,
   * records it in the button's rhythm (idempotent: only the write that frees the slot records).
   */
  releaseSlot(order: Order): Promise<void>;
  /** Press log entry for a refused press; never occupies a sequence number's slot. */
  recordRejection(entry: PressLogEntry): Promise<void>;
}

/**
 * The press record of an order committed on its button, written by the commit relay or by the
 * first change of the order, from what the order carries of its press: its battery and click
 * (orders from before telemetry leave them unknown); the button keeps no delivery attempt.
 */
export function committedPressEntry(order: Order): PressLogEntry {
  return {
    deviceId: order.deviceId,
    seq: order.seq,
    click: order.press ? (order.press.click ?? 'SINGLE') : null,
    outcome: order.history[0]?.status === 'PLACED' ? 'ORDERED' : 'NEEDS_CONFIRMATION',
    reason: null,
    orderId: order.orderId,
    receivedAt: order.placedAt,
    batteryMv: order.press?.batteryMv ?? null,
    attempt: null,
  };
}
