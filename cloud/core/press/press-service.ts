/**
 * Turns one delivery of a press into exactly one outcome (README: "How a press becomes exactly one order").
 *
 * Laid out in three steps:
 * - verify: input to a verified press or a refusal (no store call);
 * - settle: one read of the button (with its SKU when that is not cached), the sequence number's
 *   state chosen by a pure function (press-state.ts), and for a fresh press one conditional
 *   update of the button that records the decision and any open order: the commit point. A
 *   duplicate of a recent press is answered from the button alone; only an older one costs a
 *   second read (its order item or press record);
 * - answer: sign and publish the ack, log, return. Nothing is written after the commit point:
 *   the commit relay (commit-relay.ts) writes what follows from it (the order item, which is also
 *   the press record and the outbox of its events, or the press record).
 *
 * A LONG press is the exception: whether the order could still be cancelled decides its answer,
 * so the cancel and its record are written before its ack.
 *
 * Until the order item exists the order stores read the order from the button. So duplicates,
 * retries and crashes between any two calls end in the same outcome and at most one order, with
 * no lock that a timeout could leave stuck.
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
import { ConflictError } from '../errors.ts';
import type { OpenOrderRef } from '../guard/guard.ts';
import type { PressLogEntry } from '../model.ts';
import { isOpen } from '../orders/lifecycle.ts';
import { pendingUpdates } from '../ota/pending.ts';
import type { AckPublisher, Clock, KeySource, Log } from '../ports.ts';
import { answerOf, type CommitRelay, orderAnswer } from './commit-relay.ts';
import { decide } from './decide.ts';
import { type PressEvent, payloadText } from './press-event.ts';
import { completesBeforeAck, keptDecisions, pressState } from './press-state.ts';
import type { LoadedButton, PressStore, RecentDecision } from './press-store.ts';
import { RejectionBudget } from './rejection-budget.ts';

export interface PressServiceDeps {
  store: PressStore;
  /** Completes a LONG press's cancel before its ack (the same code that finishes it after a crash). */
  relay: CommitRelay;
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

const CLAIM_ATTEMPTS = 8;

interface Verified {
  press: Press;
  key: Uint8Array;
  receivedAt: number;
  /** UpdateFlag bits from the button item, told to version 2 buttons in their ack. */
  pending?: number;
}

interface Settled {
  outcome: Outcome;
  reason: PressLogReason;
  orderId: string | null;
  duplicate: boolean;
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
    const { device, seq } = v.press;
    for (let attempt = 0; attempt < CLAIM_ATTEMPTS; attempt++) {
      const { button, sku } = await this.deps.store.loadContext(device);
      if (!button) return this.rejected(v, 'UNKNOWN_DEVICE');
      v.pending = pendingUpdates(button);
      if (button.keyVersion !== v.press.kv) return this.rejected(v, 'UNKNOWN_KEY_VERSION');
      let state = pressState(button, seq);
      if (state.kind === 'look-up') {
        state = pressState(button, seq, await this.deps.store.findPress(device, seq));
      }
      if (state.kind === 'settled') return answerOf(state.stored);
      if (state.kind === 'pending-order') return orderAnswer(state.order, true);
      if (state.kind === 'pending-decision') {
        const { decision } = state;
        if (completesBeforeAck(decision)) return this.completeCancel(v, decision);
        const { outcome, reason, orderId } = decision;
        return { outcome, reason, orderId, duplicate: true };
      }
      if (state.kind === 'replayed' || state.kind === 'look-up') {
        return this.rejected(v, 'REPLAYED');
      }

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
        seq,
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
        if (claimed) return orderAnswer(decision.order, false);
        continue;
      }
      const recent: RecentDecision = {
        ...(decision.kind === 'cancel'
          ? this.cancelDecision(button, seq)
          : {
              seq,
              outcome: decision.outcome,
              reason: decision.reason ?? null,
              orderId: null,
              ...flagOnce(button, decision.flag),
            }),
        at: v.receivedAt,
        click: v.press.click,
      };
      const { kept, unwritten } = keptDecisions(button, recent);
      for (const owed of unwritten) await this.deps.relay.finishDecision(button, owed);
      if (await this.deps.store.claim({ ...base, recent: kept })) {
        if (completesBeforeAck(recent)) return this.completeCancel(v, recent);
        const { outcome, reason, orderId } = recent;
        return { outcome, reason, orderId, duplicate: false };
      }
    }
    throw new ConflictError(`press ${device}/${seq} kept losing its claim`);
  }

  /** A LONG press's cancel and its record, written before its ack (the answer depends on them). */
  private completeCancel(v: Verified, decision: RecentDecision): Promise<Settled> {
    const entry = this.logEntry(v, decision.outcome, decision.reason, decision.orderId);
    return this.deps.relay.completeDecision(entry, decision);
  }

  /**
   * An order that closed while its slot release was lost (a crash between the two writes) would
   * block the button forever; the rare IN_PROGRESS path checks the slots against the orders.
   */
  private async releaseStaleSlots(button: LoadedButton): Promise<boolean> {
    // Side by side: a full button pressed again waits for one read, not one per open order.
    const stored = await Promise.all(
      button.open.map((open) => this.deps.store.findPress(button.deviceId, open.seq)),
    );
    const closed = stored.flatMap((found) =>
      found?.kind === 'order' && !isOpen(found.order.status) ? [found.order] : [],
    );
    for (const order of closed) await this.deps.store.releaseSlot(order);
    return closed.length > 0;
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

  private async rejected(v: Verified, reason: RejectReason): Promise<Settled> {
    // Verified: the connection is the device itself (the client id matched the press).
    await this.recordRejection(this.logEntry(v, 'REJECTED', reason, null), v.press.device);
    return { outcome: 'REJECTED', reason, orderId: null, duplicate: false };
  }

  private async answer(v: Verified, settled: Settled): Promise<PressResult> {
    const result = { ...settled };
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

/** Only the burst's first press flags: later ones find its decision among the recent ones. */
function flagOnce(button: LoadedButton, order: OpenOrderRef | undefined) {
  if (order === undefined) return {};
  return button.recent.some((recent) => recent.flag?.orderId === order.orderId)
    ? {}
    : { flag: order };
}
