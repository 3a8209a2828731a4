/**
 * The port for everything that reads or changes orders outside the press path.
 * Adapters: DynamoOrderStore (cloud/store) and MemoryOrderStore (unit tests), both run the
 * same contract suite.
 */
import type { OrderTimer, OrderTimerStore } from '../events/order-timers.ts';
import type { OpenOrderRef } from '../guard/guard.ts';
import type { Order, OrderGuard, OrderStatus, PressLogEntry } from '../model.ts';
import type { Page, PageRequest } from '../page.ts';

export interface OrderStore extends OrderTimerStore {
  getOrder(orderId: string): Promise<Order | null>;
  /**
   * Newest first. The first page also holds every order still waiting in its first status
   * (PLACED, NEEDS_CONFIRMATION: in no index until it changes status), whatever its age.
   */
  listHouseholdOrders(householdId: string, page: PageRequest): Promise<Page<Order>>;
  /**
   * Oldest first by the time the order entered `status` (the fulfilment feed uses CONFIRMED).
   * Orders waiting on their household (PLACED, NEEDS_CONFIRMATION) are in no brand list: they
   * enter the brand's lists when their cancel window closes or they end.
   */
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
  /** Timers (core/events/order-timers.ts) due at `before`, earliest first, up to `limit`. */
  dueTimers(before: number, limit: number): Promise<OrderTimer[]>;
  /** Forgets a timer whose orders are all handled. */
  removeTimer(timer: OrderTimer): Promise<void>;
  /**
   * Orders the previous version put on its timer index, still waiting, whose deadline is ≤
   * `before`, oldest first (a data folder from before order timers existed).
   */
  listDue(before: number, limit: number): Promise<Order[]>;
  /** Newest first: every press with its outcome and reason, rejected ones included. */
  pressLog(deviceId: string, page: PageRequest): Promise<Page<PressLogEntry>>;
  /** Erasure: replaces the household id on its orders with an anonymous one; returns how many. */
  anonymiseHouseholdOrders(householdId: string, anonymousId: string): Promise<number>;
}
