/**
 * Button lifecycle events: claimed, released, low battery, silent. They ride a small outbox of
 * their own — one item per event, written (conditional on absence) before or with the change it
 * reports, under an id derived from that change — so a retry after a crash writes the same
 * event again and consumers de-duplicate on the id, exactly as with order events. In AWS the
 * table's stream publishes each new event item; on one machine the relay drains the pending ones.
 */

import { DRAIN_BATCH, type DrainedBatch, drainAll } from './drain-batches.ts';

export const BUTTON_EVENT_TYPES = [
  'ButtonClaimed',
  'ButtonReleased',
  'ButtonLowBattery',
  'ButtonSilent',
] as const;
export type ButtonEventType = (typeof BUTTON_EVENT_TYPES)[number];

/** What a button event tells a brand (never who the household is). */
export interface ButtonEventData {
  skuId: string | null;
  keyVersion?: number;
  batteryMv?: number | null;
  pressesLeft?: number | null;
  daysLeft?: number | null;
  lastPressAt?: number | null;
  silentSinceDays?: number;
}

export interface ButtonEvent {
  /** Derived from the change (`{device}/{kind}/{marker}`): a retry writes the same id. */
  eventId: string;
  type: ButtonEventType;
  deviceId: string;
  brandId: string;
  /**
   * Claims and releases: the household under its per-brand pseudonym (household-insight.ts),
   * for the brand's claim-month cohorts; null otherwise. Webhook bodies leave it out, and no
   * event carries a household id, so none outlives an erasure here.
   */
  householdKey: string | null;
  at: number;
  data: ButtonEventData;
}

export function buttonEventId(deviceId: string, kind: string, marker: string | number): string {
  return `${deviceId}/${kind}/${marker}`;
}

/** Receives button events from the relay; delivery is at least once. */
export interface ButtonEventSink {
  emitButtonEvents(events: ButtonEvent[]): Promise<void>;
}

export interface ButtonEventStore {
  /** Writes the event unless one with its id exists; true when written. */
  addEvent(event: ButtonEvent): Promise<boolean>;
  /** Events not yet published, oldest first (tables without streams only). */
  pendingEvents(limit: number): Promise<ButtonEvent[]>;
  markEventPublished(eventId: string): Promise<void>;
}

/** Like the order events' fanOut: every sink at once, a failure fails the batch afterwards. */
export function fanOutButtonEvents(sinks: readonly ButtonEventSink[]): ButtonEventSink {
  return {
    async emitButtonEvents(events) {
      const outcomes = await Promise.allSettled(sinks.map((sink) => sink.emitButtonEvents(events)));
      const failed = outcomes.find((o): o is PromiseRejectedResult => o.status === 'rejected');
      if (failed) throw failed.reason;
    },
  };
}

/** Publishes pending button events to the sink, then marks them; returns how many went out. */
export function drainButtonEvents(store: ButtonEventStore, sink: ButtonEventSink): Promise<number> {
  return drainAll(() => drainButtonEventBatch(store, sink));
}

/** Publishes and marks one batch of pending button events. */
export async function drainButtonEventBatch(
  store: ButtonEventStore,
  sink: ButtonEventSink,
): Promise<DrainedBatch> {
  const events = await store.pendingEvents(DRAIN_BATCH);
  if (events.length === 0) return { count: 0, more: false };
  await sink.emitButtonEvents(events);
  for (const event of events) await store.markEventPublished(event.eventId);
  return { count: events.length, more: events.length === DRAIN_BATCH };
}
