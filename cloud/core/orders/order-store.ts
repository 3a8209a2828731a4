/**
 * The port for everything that reads or changes orders outside the press path.
 * Adapters: DynamoOrderStore (cloud/store) and MemoryOrderStore (unit tests), both run the
 * same contract suite.
 */
import type { OpenOrderRef } from '../guard/guard.ts';
import type { Order, OrderGuard, OrderStatus, PressLogEntry } from '../model.ts';
import type { Page, PageRequest } from '../page.ts';

export interface OrderStore {
  getOrder(orderId: string): Promise<Order | null>;
  /** Newest first. */
  listHouseholdOrders(householdId: string, page: PageRequest): Promise<Page<Order>>;
  /** Oldest first by the time the order entered `status` (the fulfilment feed uses CONFIRMED). */
  listBrandOrders(brandId: string, status: OrderStatus, page: PageRequest): Promise<Page<Order>>;
  /** The support queue (see support-queue.ts): flagged orders not yet shipped, oldest first. */
  listFlagged(page: PageRequest): Promise<Page<Order>>;
  /**
   * Sets `guard` on the order (putting it in the support queue) if it has none and support may
   * still cancel it; false otherwise (so at most one call flags it).
   */
  flagOrder(order: OpenOrderRef, guard: OrderGuard): Promise<boolean>;
  /** Writes `next` if the stored order still has status `expectedStatus`; false when it had changed. */
  saveTransition(next: Order, expectedStatus: OrderStatus): Promise<boolean>;
  /**
   * Removes an order that is no longer open from its button's open list and records it in the
   * button's rhythm, in one write (idempotent: only the write that frees the slot records).
   */
  releaseSlot(order: Order): Promise<void>;
  /** Records `priceCents` as the button's accepted price, if the button still orders `skuId`. */
  acceptPrice(deviceId: string, skuId: string, priceCents: number): Promise<void>;
  /** Orders waiting on a timer (PLACED until the cancel window ends, NEEDS_CONFIRMATION until expiry) whose deadline is ≤ `before`, oldest first. */
  listDue(before: number, limit: number): Promise<Order[]>;
  /** Newest first: every press with its outcome and reason, rejected ones included. */
  pressLog(deviceId: string, page: PageRequest): Promise<Page<PressLogEntry>>;
  /** Erasure: replaces the household id on its orders with an anonymous one; returns how many. */
  anonymiseHouseholdOrders(householdId: string, anonymousId: string): Promise<number>;
}
