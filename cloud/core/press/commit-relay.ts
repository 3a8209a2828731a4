/**
 * The commit relay: writes what follows from a press's commit point, the claim on its button.
 * The press handler answers as soon as the claim holds (the order and the decision are durable
 * on the button); the order item (also the press record and the outbox of its events) or the
 * press record of another decision is written here, at least once, each write conditional on
 * absence, so a repeat writes nothing twice.
 *
 * Two sources feed it the same way: in AWS the table's stream (each button change with the item
 * before and after: what the claims since the old image added is owed), on one machine the
 * store's index of buttons whose claims were not relayed yet (dynalite has no streams).
 */
import type { Outcome } from '#shared/index';
import { ConflictError, IllegalTransitionError } from '../errors.ts';
import { DRAIN_BATCH, type DrainedBatch, drainAll } from '../events/drain-batches.ts';
import type { OpenOrderRef } from '../guard/guard.ts';
import type { Button, Order, PressLogEntry } from '../model.ts';
import type { OrderService } from '../orders/order-service.ts';
import type { Clock, Log } from '../ports.ts';
import { completesBeforeAck } from './press-state.ts';
import {
  committedPressEntry,
  type LoadedButton,
  type PressStore,
  type RecentDecision,
  type StoredPress,
} from './press-store.ts';

/** A button as one of its claims left it; what its claims above `since` added is owed. */
export interface CommittedButton {
  button: LoadedButton;
  since: number;
}

/** Where the local relay finds buttons whose claims may still owe writes (tables without streams). */
export interface CommitOutbox {
  pendingCommits(limit: number): Promise<CommittedButton[]>;
  /**
   * Takes the button, as the relay read it, off the list. When a claim since raised its
   * high-water mark, the button stays listed for the claims above what was relayed only: a
   * button pressed again and again while the relay works is not rewritten from its first claim
   * each round.
   */
  clearCommit(relayed: Button): Promise<void>;
}

export interface CommitRelayDeps {
  store: PressStore;
  orders: OrderService;
  clock: Clock;
  log: Log;
}

/** A decision's answer once it is complete. */
export interface CompletedDecision {
  outcome: Outcome;
  reason: PressLogEntry['reason'];
  orderId: string | null;
  /** True when an earlier delivery had already recorded it. */
  duplicate: boolean;
}

export class CommitRelay {
  constructor(private readonly deps: CommitRelayDeps) {}

  /** Writes what each button's claims above its `since` owe; returns how many items it wrote. */
  async publish(commits: readonly CommittedButton[]): Promise<number> {
    const written = await Promise.all(commits.map((commit) => this.finish(commit)));
    return written.reduce((sum, n) => sum + n, 0);
  }

  /** Writes what the press (device, seq) owes now, from a fresh read of its button. */
  async finishPress(deviceId: string, seq: number): Promise<number> {
    const { button } = await this.deps.store.loadContext(deviceId);
    return button ? this.finish({ button, since: seq - 1 }) : 0;
  }

  /** Relays and clears every marked button in the store; returns how many items it wrote. */
  drain(outbox: CommitOutbox): Promise<number> {
    return drainAll(() => this.drainBatch(outbox));
  }

  /** Relays and clears one batch of marked buttons. */
  async drainBatch(outbox: CommitOutbox): Promise<DrainedBatch> {
    const commits = await outbox.pendingCommits(DRAIN_BATCH);
    if (commits.length === 0) return { count: 0, more: false };
    const count = await this.publish(commits);
    await Promise.all(commits.map(({ button }) => outbox.clearCommit(button)));
    return { count, more: commits.length === DRAIN_BATCH };
  }

  private async finish({ button, since }: CommittedButton): Promise<number> {
    let written = 0;
    // Orders first: a burst's decision flags an order, whose item is then most likely written.
    for (const order of button.open) {
      if (order.seq <= since) continue;
      if (await this.deps.store.createOrder(order, committedPressEntry(order))) written++;
    }
    for (const decision of button.recent) {
      if (decision.seq <= since) continue;
      if (await this.finishDecision(button, decision)) written++;
    }
    return written;
  }

  /** Writes the press record of a decision held on its button, if still owed; true when written. */
  async finishDecision(button: LoadedButton, decision: RecentDecision): Promise<boolean> {
    const { deviceId } = button;
    const entry: PressLogEntry = {
      deviceId,
      seq: decision.seq,
      click: decision.click ?? null,
      outcome: decision.outcome,
      reason: decision.reason,
      orderId: decision.orderId,
      receivedAt: decision.at ?? button.lastPressAt ?? this.deps.clock.now(),
      batteryMv: decision.seq === button.highWaterMark ? button.batteryMv : null,
      attempt: null,
    };
    // A cancel is recorded by its own delivery before the ack: only one that died is finished.
    if (completesBeforeAck(decision) && (await this.deps.store.findPress(deviceId, decision.seq)))
      return false;
    return !(await this.completeDecision(entry, decision)).duplicate;
  }

  /**
   * Completes a decision recorded on the button: flags a burst's order, cancels for a LONG press
   * (whether the order could still be cancelled decides the answer), and writes its press
   * record. Every step is idempotent, so the press's own delivery, its retries and the relay may
   * all run it.
   */
  async completeDecision(
    entry: PressLogEntry,
    decision: RecentDecision,
  ): Promise<CompletedDecision> {
    const { deviceId } = entry;
    if (decision.flag) await this.flagBurst(decision.flag, deviceId);
    let { outcome, reason } = decision;
    if (completesBeforeAck(decision) && decision.orderId) {
      if (!(await this.cancelOrder(decision.orderId, deviceId))) {
        outcome = 'REJECTED';
        reason = 'NOTHING_TO_CANCEL';
      }
    }
    if (await this.deps.store.recordPress({ ...entry, outcome, reason })) {
      return { outcome, reason, orderId: decision.orderId, duplicate: false };
    }
    const stored = await this.deps.store.findPress(deviceId, entry.seq as number);
    if (!stored) throw new ConflictError(`press record ${deviceId}/${entry.seq} vanished`);
    return answerOf(stored);
  }

  /**
   * Writes the item of an order committed on its button, if still owed, before a change that
   * needs the item (flagging it); true when written.
   */
  async writeOwedOrder(deviceId: string, orderId: string): Promise<boolean> {
    const { button } = await this.deps.store.loadContext(deviceId);
    const order = button?.open.find((open) => open.orderId === orderId);
    return order ? this.deps.store.createOrder(order, committedPressEntry(order)) : false;
  }

  /**
   * A burst shows its open order to support (reason BURST) with one conditional write, which a
   * retry or a later press of the burst finds done; an order the guard already held or flagged
   * keeps its reason.
   */
  private async flagBurst(order: OpenOrderRef, deviceId: string): Promise<void> {
    const { orderId } = order;
    const flagged = await this.deps.orders.flag(order, {
      reason: 'BURST',
      usualIntervalDays: null,
      daysSinceLast: null,
    });
    if (flagged) this.deps.log.info('burst flagged for support', { orderId, device: deviceId });
    else if (await this.writeOwedOrder(deviceId, orderId)) await this.flagBurst(order, deviceId);
  }

  /** True when the order is (now) cancelled; false when it had moved past cancelling. */
  private async cancelOrder(orderId: string, deviceId: string): Promise<boolean> {
    try {
      await this.deps.orders.cancel(orderId, { kind: 'device', id: deviceId }, 'long press');
      return true;
    } catch (error) {
      if (!(error instanceof IllegalTransitionError)) throw error;
      const current = await this.deps.orders.get(orderId);
      return current.status === 'CANCELLED';
    }
  }
}

/** The answer a stored order item or press record gives to a repeat of its press. */
export function answerOf(stored: StoredPress): CompletedDecision {
  if (stored.kind === 'order') return orderAnswer(stored.order, true);
  const { outcome, reason, orderId } = stored.entry;
  return { outcome, reason, orderId, duplicate: true };
}

/** An order's press answers ORDERED, or NEEDS_CONFIRMATION when it was held for the household. */
export function orderAnswer(order: Order, duplicate: boolean): CompletedDecision {
  const outcome: Outcome = order.history[0]?.status === 'PLACED' ? 'ORDERED' : 'NEEDS_CONFIRMATION';
  return { outcome, reason: duplicate ? 'DUPLICATE' : null, orderId: order.orderId, duplicate };
}
