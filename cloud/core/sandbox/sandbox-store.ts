/**
 * The port for the brand's sandbox: test orders listed apart from real ones, and a reset that
 * deletes them and frees the test buttons they held. Adapters: DynamoSandboxStore and
 * MemorySandboxStore, both run the same contract suite.
 */
import type { Order } from '../model.ts';
import type { Page, PageRequest } from '../page.ts';

export interface SandboxStore {
  /** The brand's test orders, newest first. */
  listTestOrders(brandId: string, page: PageRequest): Promise<Page<Order>>;
  /**
   * Frees the button's slots held by test orders and, on a test button, forgets the rhythm its
   * test orders taught; the sequence high-water mark stays (replay protection).
   */
  releaseTestSlots(deviceId: string): Promise<void>;
  /** Deletes the order if it is a test order; false when it was not (or is gone). */
  deleteTestOrder(orderId: string): Promise<boolean>;
}
