/**
 * Order changes outside the press path: household, support and brand actions, the LONG press's
 * cancel, and the sweep that confirms orders whose cancel window has passed. Every change is a
 * lifecycle transition saved on the condition that the status has not moved meanwhile; the saved
 * history is the order's event log (core/events), so a transition and its event are one write.
 */
import {
  CancelWindowClosedError,
  ConflictError,
  IllegalTransitionError,
  NotFoundError,
} from '../errors.ts';
import type { OpenOrderRef } from '../guard/guard.ts';
import {
  type Actor,
  type Discount,
  type Order,
  type OrderGuard,
  type OrderStatus,
  orderIdFor,
} from '../model.ts';
import type { Clock, Log } from '../ports.ts';
import { insideCancelWindow, isOpen, isWaiting, transition } from './lifecycle.ts';
import type { OrderStore } from './order-store.ts';

export interface OrderServiceDeps {
  orders: OrderStore;
  clock: Clock;
  log: Log;
}

export interface SweepResult {
  confirmed: number;
  expired: number;
}

const SWEEP_BATCH = 100;
const SWEEP_ACTOR: Actor = { kind: 'system', id: 'sweep' };

export class OrderService {
  constructor(private readonly deps: OrderServiceDeps) {}

  async get(orderId: string): Promise<Order> {
    const order = await this.deps.orders.getOrder(orderId);
    if (!order) throw new NotFoundError('order', orderId);
    return order;
  }

  /** Households and the button may cancel only inside the window; support any time before shipping. */
  async cancel(orderId: string, actor: Actor, reason?: string): Promise<Order> {
    return this.change(orderId, 'CANCELLED', actor, reason, (order, now) => {
      const windowed = actor.kind === 'household' || actor.kind === 'device';
      if (windowed && order.status === 'PLACED' && !insideCancelWindow(order, now)) {
        throw new CancelWindowClosedError(order.orderId);
      }
    });
  }

  confirm(orderId: string, actor: Actor): Promise<Order> {
    return this.change(orderId, 'PLACED', actor, undefined, (order) => {
      if (order.status !== 'NEEDS_CONFIRMATION') {
        throw new IllegalTransitionError(order.orderId, order.status, 'PLACED');
      }
    });
  }

  decline(orderId: string, actor: Actor): Promise<Order> {
    return this.change(orderId, 'CANCELLED', actor, 'declined', (order) => {
      if (order.status !== 'NEEDS_CONFIRMATION') {
        throw new IllegalTransitionError(order.orderId, order.status, 'CANCELLED');
      }
    });
  }

  /**
   * Shows an open order to support with `guard` as the reason, unless it already has one or
   * has moved past what support can cancel; true when this call flagged it.
   */
  flag(order: OpenOrderRef, guard: OrderGuard): Promise<boolean> {
    return this.deps.orders.flagOrder(order, guard);
  }

  ship(orderId: string, actor: Actor): Promise<Order> {
    return this.change(orderId, 'SHIPPED', actor);
  }

  /** The discount (a welcome credit granted for this order) is saved in the same write. */
  deliver(orderId: string, actor: Actor, discount?: Discount): Promise<Order> {
    return this.change(orderId, 'DELIVERED', actor, undefined, undefined, discount);
  }

  /**
   * Confirms PLACED orders whose window has passed and expires unconfirmed ones: those the
   * order timers hold (core/events/order-timers.ts), then any the previous version's timer index
   * still holds.
   */
  async sweep(): Promise<SweepResult> {
    const result: SweepResult = { confirmed: 0, expired: 0 };
    for (;;) {
      const now = this.deps.clock.now();
      const timers = await this.deps.orders.dueTimers(now, SWEEP_BATCH);
      let removed = 0;
      for (const timer of timers) {
        let handled = true;
        for (const ref of timer.refs) {
          const order = await this.deps.orders.getOrder(orderIdFor(ref.deviceId, ref.seq));
          // Gone, moved on, or waiting again with a later deadline (which filed its own timer).
          if (!order || !isWaiting(order.status) || order.cancelDeadline > now) continue;
          if (await this.expire(order, now, result)) continue;
          handled = false; // changed meanwhile: the next sweep reads it again
        }
        if (handled) {
          await this.deps.orders.removeTimer(timer);
          removed++;
        }
      }
      if (timers.length < SWEEP_BATCH || removed === 0) break;
    }
    for (;;) {
      const now = this.deps.clock.now();
      const due = await this.deps.orders.listDue(now, SWEEP_BATCH);
      let progressed = 0;
      for (const order of due) if (await this.expire(order, now, result)) progressed++;
      if (due.length < SWEEP_BATCH || progressed === 0) return result;
    }
  }

  /** The transition a waiting order takes when its deadline passes; false if it had changed. */
  private async expire(order: Order, now: number, result: SweepResult): Promise<boolean> {
    const to: OrderStatus = order.status === 'PLACED' ? 'CONFIRMED' : 'EXPIRED';
    if (!(await this.apply(order, to, SWEEP_ACTOR, now))) return false;
    if (to === 'CONFIRMED') result.confirmed++;
    else result.expired++;
    return true;
  }

  private async change(
    orderId: string,
    to: OrderStatus,
    actor: Actor,
    reason?: string,
    guard?: (order: Order, now: number) => void,
    discount?: Discount,
  ): Promise<Order> {
    // Two attempts: a concurrent change (e.g. the sweep confirming) makes the first one stale.
    for (let attempt = 0; attempt < 2; attempt++) {
      const order = await this.get(orderId);
      const now = this.deps.clock.now();
      guard?.(order, now);
      const next = await this.apply(order, to, actor, now, reason, discount);
      if (next) return next;
    }
    throw new ConflictError(`order ${orderId} changed while it was being updated`, undefined, {
      orderId,
    });
  }

  private async apply(
    order: Order,
    to: OrderStatus,
    actor: Actor,
    now: number,
    reason?: string,
    discount?: Discount,
  ): Promise<Order | null> {
    const next = transition(order, to, actor, now, reason);
    if (discount) next.discount = discount;
    if (!(await this.deps.orders.saveTransition(next, order.status))) return null;
    // The household accepts the new price by confirming: later presses are judged against it.
    if (order.status === 'NEEDS_CONFIRMATION' && to === 'PLACED') {
      await this.deps.orders.acceptPrice(next.deviceId, next.skuId, next.unitPriceCents);
    }
    // A closed order frees its button for the next one. Should this call be lost, the press
    // path releases stale slots when it finds the button full.
    if (!isOpen(to)) await this.deps.orders.releaseSlot(next);
    this.deps.log.info('order transition', {
      orderId: order.orderId,
      from: order.status,
      to,
      actor: `${actor.kind}:${actor.id}`,
    });
    return next;
  }
}
