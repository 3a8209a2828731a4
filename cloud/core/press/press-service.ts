/**
 * Turns one delivery of a press into exactly one outcome (README: "How a press becomes exactly one order").
 *
 * Laid out in three steps:
 * - verify: input to a verified press or a refusal (no store call);
 * - settle: one read (the button, its SKU, and the item keyed by the press), the sequence
 *   number's state chosen by a pure function (press-state.ts), and for a fresh press one
 *   conditional update of the button that records the decision and any open order: the commit
 *   point. A duplicate of a settled press costs the read alone;
 * - answer: sign and publish the ack, then write what follows from the commit point (the order
 *   item, which is also the press record and the outbox of its events, or the press record).
 *
 * A crash after the commit point leaves the decision on the button: a retry (or the repair of
 * unfinished presses) rolls it forward instead of deciding again, and until the order item
 * exists the order stores read the order from the button. So duplicates, retries and crashes
 * between any two calls end in the same outcome and at most one order, with no lock that a
 * timeout could leave stuck.
 * The first press of a burst also flags the order it repeats for support (one conditional
 * write, made before that press's record so a repair of the record repeats it).
 */
import {
  type Ack,
  decodePress,
  type Outcome,
  type Press,
  parseTopic,
  type RejectReason,
  type Sha256,
  signAck,
  verifyPress,
} from '#shared/index';
import { ConflictError, IllegalTransitionError } from '../errors.ts';
import type { OpenOrderRef } from '../guard/guard.ts';
import type { Order, PressLogEntry } from '../model.ts';
import { isOpen } from '../orders/lifecycle.ts';
import type { OrderService } from '../orders/order-service.ts';
import type { AckPublisher, Clock, KeySource, Log } from '../ports.ts';
import { decide } from './decide.ts';
import { type PressEvent, payloadText } from './press-event.ts';
import { pressState } from './press-state.ts';
import {
  committedPressEntry,
  type LoadedButton,
  type PressStore,
  type RecentDecision,
  type StoredPress,
} from './press-store.ts';
import { RejectionBudget } from './rejection-budget.ts';

export interface PressServiceDeps {
  store: PressStore;
  orders: OrderService;
  keys: KeySource;
  clock: Clock;
  acks: AckPublisher;
  log: Log;
  sha256: Sha256;
  /** Which refusals get a press-log record (default: DEFAULT_REJECTION_LIMITS on deps.clock). */
  rejectionBudget?: RejectionBudget;
}

export type PressLogReason = PressLogEntry['reason'];

export interface PressResult {
  outcome: Outcome;
  reason: PressLogReason;
  orderId: string | null;
  /** The signed ack that was published, or null when none may be sent (unauthenticated input). */
  ack: Ack | null;
  /** True when this delivery repeated a press that had already been decided. */
  duplicate: boolean;
}

/** Recent non-order decisions kept on the button; older ones have long had their record written. */
const RECENT_DECISIONS = 4;
const CLAIM_ATTEMPTS = 8;

interface Verified {
  press: Press;
  key: Uint8Array;
  receivedAt: number;
  /** UpdateFlag bits from the button item, told to version 2 buttons in their ack. */
  pending?: number;
}

/** What a press record keeps of the delivery that settled it. */
type Delivery = Omit<PressLogEntry, 'outcome' | 'reason' | 'orderId'> & { seq: number };

/** What a press writes after its ack: the commit point already made it durable. */
type FollowUp =
  | { kind: 'order'; order: Order; entry: PressLogEntry }
  | { kind: 'record'; entry: PressLogEntry };

interface Settled {
  outcome: Outcome;
  reason: PressLogReason;
  orderId: string | null;
  duplicate: boolean;
  followUp?: FollowUp | undefined;
}

export class PressService {
  private readonly rejectionBudget: RejectionBudget;

  constructor(private readonly deps: PressServiceDeps) {
    this.rejectionBudget = deps.rejectionBudget ?? new RejectionBudget(deps.clock);
  }

  async handle(event: PressEvent): Promise<PressResult> {
    const receivedAt = Number.isFinite(event.receivedAt) ? event.receivedAt : this.deps.clock.now();
    const topic = parseTopic(String(event.topic));
    const topicDevice = topic?.kind === 'press' ? topic.deviceId : null;
    const source = { deviceId: topicDevice, connection: String(event.clientId), receivedAt };
    const text = payloadText(event);
    if (text === null) return this.refuse(source, null, { reason: 'OVERSIZED' });
    const decoded = decodePress(text);
    if (!decoded.ok) return this.refuse(source, null, decoded);
    const press = decoded.message;
    if (topicDevice !== press.device || event.clientId !== press.device) {
      return this.refuse(source, press, { reason: 'TOPIC_MISMATCH' });
    }
    const key = await this.deps.keys.deviceKey(press.device, press.kv);
    if (!key) return this.refuse(source, press, { reason: 'UNKNOWN_KEY_VERSION' });
    if (!verifyPress(this.deps.sha256, key, press)) {
      return this.refuse(source, press, { reason: 'BAD_SIGNATURE' });
    }
    const verified: Verified = { press, key, receivedAt };
    const settled = await this.settle(verified);
    return this.answer(verified, settled);
  }

  private async settle(v: Verified): Promise<Settled> {
    for (let attempt = 0; attempt < CLAIM_ATTEMPTS; attempt++) {
      const context = await this.deps.store.loadContext(v.press.device, v.press.seq);
      const { button, sku } = context;
      if (!button) return this.rejected(v, 'UNKNOWN_DEVICE');
      v.pending = button.updatePending;
      if (button.keyVersion !== v.press.kv) return this.rejected(v, 'UNKNOWN_KEY_VERSION');
      const state = pressState(button, context.stored, v.press.seq);
      if (state.kind === 'settled') return fromStored(state.stored);
      if (state.kind === 'pending-order') return this.orderFollows(delivery(v), state.order);
      if (state.kind === 'pending-decision') {
        return this.completeDecision(delivery(v), state.decision);
      }
      if (state.kind === 'replayed') return this.rejected(v, 'REPLAYED');

      const ordered =
        v.press.click === 'DOUBLE' && button.settings.secondAction
          ? await this.deps.store.getSku(button.brandId, button.settings.secondAction.skuId)
          : sku;
      const decision = decide(button, ordered, v.press, v.receivedAt);
      if (
        decision.kind === 'answer' &&
        decision.outcome === 'IN_PROGRESS' &&
        (await this.releaseStaleSlots(button))
      ) {
        continue;
      }
      const base = {
        deviceId: button.deviceId,
        seq: v.press.seq,
        readHighWaterMark: button.highWaterMark,
        at: v.receivedAt,
        batteryMv: v.press.battery_mv,
        firmware: v.press.fw,
        settingsVersion: v.press.cfg,
      };
      if (decision.kind === 'order') {
        const claimed = await this.deps.store.claim({
          ...base,
          order: { snapshot: decision.order, maxOpenOrders: button.settings.maxOpenOrders },
          acceptedPriceCents: decision.acceptedPriceCents,
        });
        if (claimed) return this.orderFollows(delivery(v), decision.order);
        continue;
      }
      const recent: RecentDecision =
        decision.kind === 'cancel'
          ? this.cancelDecision(button, v.press.seq)
          : {
              seq: v.press.seq,
              outcome: decision.outcome,
              reason: decision.reason ?? null,
              orderId: null,
              ...flagOnce(button, decision.flag),
            };
      const recentList = [...button.recent, recent].slice(-RECENT_DECISIONS);
      if (await this.deps.store.claim({ ...base, recent: recentList })) {
        return this.completeDecision(delivery(v), recent);
      }
    }
    throw new ConflictError(`press ${v.press.device}/${v.press.seq} kept losing its claim`);
  }

  /**
   * Writes what committed presses of a button still owe (order items, press records) when the
   * delivery that committed them died after its ack, so no retry will come. Idempotent: every
   * write is conditional on absence. Returns how many items it wrote.
   */
  async finishCommitted(deviceId: string): Promise<number> {
    const { button } = await this.deps.store.loadContext(deviceId);
    if (!button) return 0;
    let written = 0;
    const owed = [
      ...button.open.map((order) => ({ seq: order.seq, order, decision: null })),
      ...button.recent.map((decision) => ({ seq: decision.seq, order: null, decision })),
    ];
    for (const { seq, order, decision } of owed) {
      if (await this.deps.store.findPress(deviceId, seq)) continue;
      // The button keeps no click or attempt of the press: its record leaves them unknown.
      const at = order?.placedAt ?? button.lastPressAt ?? this.deps.clock.now();
      const unknown = {
        deviceId,
        seq,
        click: null,
        receivedAt: at,
        batteryMv: null,
        attempt: null,
      };
      const settled = order
        ? this.orderFollows(unknown, order)
        : await this.completeDecision(unknown, decision as RecentDecision);
      if (settled.followUp && (await this.followUp(settled.followUp))) written++;
    }
    return written;
  }

  /**
   * An order that closed while its slot release was lost (a crash between the two writes) would
   * block the button forever; the rare IN_PROGRESS path checks the slots against the orders.
   */
  private async releaseStaleSlots(button: LoadedButton): Promise<boolean> {
    let released = false;
    for (const open of button.open) {
      const stored = await this.deps.store.findPress(button.deviceId, open.seq);
      if (stored?.kind === 'order' && !isOpen(stored.order.status)) {
        await this.deps.store.releaseSlot(stored.order);
        released = true;
      }
    }
    return released;
  }

  /** LONG cancels the newest order still inside its cancel window (or awaiting confirmation). */
  private cancelDecision(button: LoadedButton, seq: number): RecentDecision {
    const cancellable = button.open
      .filter((order) => order.status === 'NEEDS_CONFIRMATION' || order.status === 'PLACED')
      .sort((a, b) => b.seq - a.seq)[0];
    return cancellable
      ? { seq, outcome: 'CANCELLED', reason: null, orderId: cancellable.orderId }
      : { seq, outcome: 'REJECTED', reason: 'NOTHING_TO_CANCEL', orderId: null };
  }

  /** The order is on the button (committed); its item follows the ack. */
  private orderFollows(delivery: Delivery, order: Order): Settled {
    const outcome: Outcome =
      order.history[0]?.status === 'PLACED' ? 'ORDERED' : 'NEEDS_CONFIRMATION';
    const entry: PressLogEntry = { ...delivery, outcome, reason: null, orderId: order.orderId };
    return {
      outcome,
      reason: null,
      orderId: order.orderId,
      duplicate: false,
      followUp: { kind: 'order', order, entry },
    };
  }

  /**
   * A recorded non-order decision. Its press record follows the ack, except for a cancel: whether
   * the order could still be cancelled decides the answer, so the cancel and its record come first.
   */
  private async completeDecision(delivery: Delivery, decision: RecentDecision): Promise<Settled> {
    const { outcome: decided, reason: why, orderId: named } = decision;
    const entry: PressLogEntry = { ...delivery, outcome: decided, reason: why, orderId: named };
    if (decision.flag) await this.flagBurst(decision.flag, delivery.deviceId);
    if (decision.outcome !== 'CANCELLED' || !decision.orderId) {
      const { outcome, reason, orderId } = decision;
      return { outcome, reason, orderId, duplicate: false, followUp: { kind: 'record', entry } };
    }
    let outcome: Outcome = decision.outcome;
    let reason: PressLogReason = decision.reason;
    if (!(await this.cancelOrder(decision.orderId, delivery.deviceId))) {
      outcome = 'REJECTED';
      reason = 'NOTHING_TO_CANCEL';
    }
    if (await this.deps.store.recordPress({ ...entry, outcome, reason })) {
      return { outcome, reason, orderId: decision.orderId, duplicate: false };
    }
    const stored = await this.deps.store.findPress(delivery.deviceId, delivery.seq);
    if (!stored)
      throw new ConflictError(`press record ${delivery.deviceId}/${delivery.seq} vanished`);
    return fromStored(stored);
  }

  /** Writes what follows the commit point (conditional on absence); false when it existed. */
  private followUp(followUp: FollowUp): Promise<boolean> {
    return followUp.kind === 'order'
      ? this.deps.store.createOrder(followUp.order, followUp.entry)
      : this.deps.store.recordPress(followUp.entry);
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
    // The order's item may still be owed by a delivery that died after its ack: write it, then flag.
    else if (await this.writeOwedOrder(deviceId, orderId)) await this.flagBurst(order, deviceId);
  }

  /** Writes the item of an order committed on its button, if still owed; true when written. */
  private async writeOwedOrder(deviceId: string, orderId: string): Promise<boolean> {
    const { button } = await this.deps.store.loadContext(deviceId);
    const order = button?.open.find((open) => open.orderId === orderId);
    return order ? this.deps.store.createOrder(order, committedPressEntry(order)) : false;
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

  private async rejected(v: Verified, reason: RejectReason): Promise<Settled> {
    // Verified: the connection is the device itself (the client id matched the press).
    await this.recordRejection(this.logEntry(v, 'REJECTED', reason, null), v.press.device);
    return { outcome: 'REJECTED', reason, orderId: null, duplicate: false };
  }

  private async answer(v: Verified, settled: Settled): Promise<PressResult> {
    const { followUp, ...result } = settled;
    // Each press is answered in its own contract version: an old button gets an ack it verifies.
    const fields = {
      v: v.press.v,
      device: v.press.device,
      seq: v.press.seq,
      outcome: result.outcome,
      kv: v.press.kv,
      ...(result.orderId ? { order: result.orderId } : {}),
      ...(v.pending ? { upd: v.pending } : {}),
    };
    const ack = signAck(this.deps.sha256, v.key, fields);
    await this.deps.acks.publishAck(v.press.device, ack);
    if (followUp && !(await this.followUp(followUp))) result.duplicate = true;
    this.deps.log.info('press', {
      device: v.press.device,
      seq: v.press.seq,
      click: v.press.click,
      outcome: result.outcome,
      reason: result.reason,
      orderId: result.orderId,
      duplicate: result.duplicate,
    });
    return { ...result, ack };
  }

  /**
   * Unauthenticated input gets no ack: a signed REJECTED for a forged press would let anyone make
   * the cloud tell a real button that its press failed.
   */
  private async refuse(
    source: { deviceId: string | null; connection: string; receivedAt: number },
    press: Press | null,
    refusal: { reason: RejectReason; field?: string },
  ): Promise<PressResult> {
    const { deviceId } = source;
    const { reason } = refusal;
    const recorded =
      deviceId !== null &&
      (await this.recordRejection(
        {
          deviceId,
          seq: press?.seq ?? null,
          click: press?.click ?? null,
          outcome: 'REJECTED',
          reason,
          orderId: null,
          receivedAt: source.receivedAt,
          batteryMv: press?.battery_mv ?? null,
          attempt: press?.attempt ?? null,
        },
        source.connection,
      ));
    this.deps.log.warn('press refused', {
      device: deviceId,
      seq: press?.seq ?? null,
      reason,
      ...(refusal.field === undefined ? {} : { field: refusal.field }),
      connection: source.connection,
      recorded,
    });
    return { outcome: 'REJECTED', reason, orderId: null, ack: null, duplicate: false };
  }

  /**
   * The press log is best effort for refusals: losing a record must not fail the delivery, and
   * the rejection budget decides which refusals get one. True when the record was written.
   */
  private async recordRejection(entry: PressLogEntry, connection: string): Promise<boolean> {
    if (!this.rejectionBudget.take(entry.deviceId, connection)) return false;
    try {
      await this.deps.store.recordRejection(entry);
      return true;
    } catch (error) {
      this.deps.log.error('could not record rejected press', {
        device: entry.deviceId,
        reason: entry.reason,
        error: String(error),
      });
      return false;
    }
  }

  private logEntry(
    v: Verified,
    outcome: Outcome,
    reason: PressLogReason,
    orderId: string | null,
  ): PressLogEntry {
    return {
      deviceId: v.press.device,
      seq: v.press.seq,
      click: v.press.click,
      outcome,
      reason,
      orderId,
      receivedAt: v.receivedAt,
      batteryMv: v.press.battery_mv,
      attempt: v.press.attempt,
    };
  }
}

function delivery(v: Verified): Delivery {
  return {
    deviceId: v.press.device,
    seq: v.press.seq,
    click: v.press.click,
    receivedAt: v.receivedAt,
    batteryMv: v.press.battery_mv,
    attempt: v.press.attempt,
  };
}

/** Only the burst's first press flags: later ones find its decision among the recent ones. */
function flagOnce(button: LoadedButton, order: OpenOrderRef | undefined) {
  if (order === undefined) return {};
  return button.recent.some((recent) => recent.flag?.orderId === order.orderId)
    ? {}
    : { flag: order };
}

function fromStored(stored: StoredPress): Settled {
  if (stored.kind === 'order') {
    const first = stored.order.history[0]?.status;
    const outcome: Outcome = first === 'PLACED' ? 'ORDERED' : 'NEEDS_CONFIRMATION';
    return { outcome, reason: 'DUPLICATE', orderId: stored.order.orderId, duplicate: true };
  }
  return {
    outcome: stored.entry.outcome,
    reason: stored.entry.reason,
    orderId: stored.entry.orderId,
    duplicate: true,
  };
}
