/**
 * The order transitions the API needs. OrderService (cloud/core/orders) provides them; each
 * returns the updated order and throws NotFoundError, IllegalTransitionError or ConflictError.
 */
import type { Actor, Discount, Order } from '../model.ts';

export interface OrderActions {
  cancel(orderId: string, actor: Actor, reason?: string): Promise<Order>;
  /** NEEDS_CONFIRMATION → PLACED; records the accepted price on the button. */
  confirm(orderId: string, actor: Actor): Promise<Order>;
  decline(orderId: string, actor: Actor): Promise<Order>;
  ship(orderId: string, actor: Actor): Promise<Order>;
  /** SHIPPED → DELIVERED, carrying `discount` when one was granted for it. */
  deliver(orderId: string, actor: Actor, discount?: Discount): Promise<Order>;
}
