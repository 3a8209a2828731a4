/**
 * The port for everything that reads or changes orders outside the press path.
 * Adapters: DynamoOrderStore (cloud/store) and MemoryOrderStore (unit tests), both run the
 * same contract suite.
 */
import type { Order, OrderStatus, PressLogEntry } from '../model.ts';
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
   * Writes `next` if the stored order still has status `expectedStatus`; releases the button's
   * open-order slot when `next` is no longer open. Returns false when the status had changed.
   */
  saveTransition(next: Order, expectedStatus: OrderStatus): Promise<boolean>;
  /** Orders waiting on a timer (PLACED until the cancel window ends, NEEDS_CONFIRMATION until expiry) whose deadline is ≤ `before`, oldest first. */
  listDue(before: number, limit: number): Promise<Order[]>;
  /** Newest first: every press with its outcome and reason, rejected ones included. */
  pressLog(deviceId: string, page: PageRequest): Promise<Page<PressLogEntry>>;
  /** Erasure: replaces the household id on its orders with an anonymous one; returns how many. */
  anonymiseHouseholdOrders(householdId: string, anonymousId: string): Promise<number>;
}
