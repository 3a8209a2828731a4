/**
 * The in-memory stand-in for the single DynamoDB table: one record per item, shared by every
 * memory adapter. As in DynamoDB, one button record is written by the API's ButtonStore, the
 * press path and the order lifecycle, each through its own adapter, so a test that combines
 * them sees what production sees. The contract suites prove the adapters on it behave like
 * the DynamoDB ones.
 */

import type { WelcomeCredit } from '../../core/credits/welcome-credit.ts';
import type { ButtonEvent } from '../../core/events/button-events.ts';
import type { OrderTimer } from '../../core/events/order-timers.ts';
import type { ClaimRecord } from '../../core/fleet/claim-store.ts';
import type { StoredHealth } from '../../core/health/health-store.ts';
import type { IdempotencyRecord } from '../../core/idempotency/idempotency-store.ts';
import type { StoredActivity } from '../../core/insight/activity-store.ts';
import type { StatsBucket } from '../../core/insight/stats-store.ts';
import type {
  AuditEntry,
  Button,
  Household,
  HouseholdGuardSettings,
  Order,
  PressLogEntry,
  Sku,
} from '../../core/model.ts';
import type { Notification } from '../../core/notifications/notification-store.ts';
import type { Subscription } from '../../core/notifications/subscriptions.ts';
import type { FirmwareImage, UpdateAssignment } from '../../core/ota/ports.ts';
import type { LoadedButton, StoredPress } from '../../core/press/press-store.ts';
import type { Rollout, RolloutMember } from '../../core/rollouts/model.ts';
import type {
  WebhookDelivery,
  WebhookEndpoint,
  WebhookSecrets,
} from '../../core/webhooks/webhooks.ts';

/** The button item: the API's attributes, the press path's (hwm, open, recent, rhythm) and the claim hash. */
export type ButtonRecord = LoadedButton & { claimHash: string | null };

export const clone = <T>(value: T): T => structuredClone(value);

/** A statistics bucket with the orders being counted (order id → events) and its epochs. */
export type MemoryStatsBucket = StatsBucket & {
  marked: Record<string, number>;
  epochs: Record<number, number>;
};

export const skuKey = (brandId: string, skuId: string) => `${brandId}/${skuId}`;
export const pressKey = (deviceId: string, seq: number | null) => `${deviceId}#${seq}`;

export class MemoryTable {
  readonly buttons = new Map<string, ButtonRecord>();
  readonly skus = new Map<string, Sku>();
  /** The order or press record for each (device, seq). */
  readonly presses = new Map<string, StoredPress>();
  /** The press that created each order, for the press log. */
  readonly orderPresses = new Map<string, PressLogEntry>();
  readonly rejections: PressLogEntry[] = [];
  readonly claims = new Map<string, ClaimRecord>();
  readonly households = new Map<string, Household>();
  readonly householdGuards = new Map<string, HouseholdGuardSettings>();
  readonly notifications: Notification[] = [];
  readonly subscriptions: Subscription[] = [];
  /** The commit index: each button's oldest claim the commit relay has not relayed yet. */
  readonly commitMarks = new Map<string, number>();
  /** The outbox: how many of each order's events are published (absent = none). */
  readonly published = new Map<string, number>();
  readonly audit: AuditEntry[] = [];
  readonly idempotency = new Map<string, IdempotencyRecord>();
  /** Brand statistics buckets, with the orders being counted and the epochs settling raises. */
  readonly stats = new Map<string, MemoryStatsBucket>();
  /** How many events of each order (by `{brand}/{order}`) its bucket counts, once settled. */
  readonly statsCounted = new Map<string, number>();
  /** Webhook endpoints by `{brand}/{endpoint}`, secrets by brand, deliveries by `{brand}/{id}`. */
  readonly webhookEndpoints = new Map<string, WebhookEndpoint>();
  readonly webhookSecrets = new Map<string, WebhookSecrets>();
  readonly webhookDeliveries = new Map<string, WebhookDelivery>();
  /** Firmware images by `{brand}/{fw}`, their blocks by `{stream}/{index}`. */
  readonly firmwareImages = new Map<string, FirmwareImage>();
  readonly firmwareBlocks = new Map<string, Uint8Array>();
  /** Button health records by `{brand}/{device}`. */
  readonly health = new Map<string, StoredHealth>();
  /** Household activity records by `{brand}/{key}`. */
  readonly activity = new Map<string, StoredActivity>();
  /** Button events by id, with whether the relay has published them. */
  readonly buttonEvents = new Map<string, { event: ButtonEvent; published: boolean }>();
  /** Each button's latest update report while no rollout has counted it (the outbox mark). */
  readonly unappliedReports = new Map<string, UpdateAssignment>();
  /** Rollouts by id, their members by `{rollout}/{device}`. */
  readonly rollouts = new Map<string, Rollout>();
  readonly rolloutMembers = new Map<string, RolloutMember>();
  /** The button items' next-need reminder timers (device id → time): gsi3's `REMIND` partition. */
  readonly reminderTimers = new Map<string, number>();
  /** Order timers by key (`{due:013}#{eventId}`, as DynamoDB sorts them). */
  readonly orderTimers = new Map<string, OrderTimer>();
  /** Welcome-credit offers by `{brand}/{sku}`; the credit ledger's entries and the order holding each. */
  readonly welcomeCredits = new Map<string, WelcomeCredit>();
  readonly creditLedger = new Map<string, { orderId: string; at: number }>();

  /** Test fixture: a button item as it stands after registration and any presses. */
  putButton(button: Button): void {
    this.buttons.set(button.deviceId, {
      ...clone(button),
      recent: [],
      rhythm: {},
      claimHash: null,
    });
  }

  /** Test fixture: a SKU item. */
  putSku(sku: Sku): void {
    this.skus.set(skuKey(sku.brandId, sku.skuId), clone(sku));
  }

  /** Order items, and orders committed on their button whose item has not followed yet. */
  allOrders(): Order[] {
    const orders: Order[] = [];
    for (const stored of this.presses.values()) {
      if (stored.kind === 'order') orders.push(clone(stored.order));
    }
    for (const button of this.buttons.values()) {
      for (const open of button.open) {
        if (!this.presses.has(pressKey(open.deviceId, open.seq))) orders.push(clone(open));
      }
    }
    return orders;
  }

  /** Every record as [kind#key, value], rejections last: "nothing changed" is checked on this. */
  snapshot(): [string, unknown][] {
    const keyed: [string, Map<string, unknown>][] = [
      ['button', this.buttons],
      ['sku', this.skus],
      ['press', this.presses],
      ['claim', this.claims],
      ['household', this.households],
      ['householdGuard', this.householdGuards],
      ['idempotency', this.idempotency],
      ['reminder', this.reminderTimers],
      ['orderTimer', this.orderTimers],
      ['published', this.published],
      ['stats', this.stats],
      ['statsCounted', this.statsCounted],
      ['webhookEndpoint', this.webhookEndpoints],
      ['webhookSecrets', this.webhookSecrets],
      ['webhookDelivery', this.webhookDeliveries],
      ['health', this.health],
      ['activity', this.activity],
      ['buttonEvent', this.buttonEvents],
      ['welcomeCredit', this.welcomeCredits],
      ['creditLedger', this.creditLedger],
      ['rollout', this.rollouts],
      ['rolloutMember', this.rolloutMembers],
      ['unappliedReport', this.unappliedReports],
    ];
    const listed: [string, unknown[]][] = [
      ['notification', this.notifications],
      ['subscription', this.subscriptions],
      ['audit', this.audit],
      ['rejection', this.rejections],
    ];
    return clone([
      ...keyed.flatMap(([kind, map]) =>
        [...map].map(([key, value]): [string, unknown] => [`${kind}#${key}`, value]),
      ),
      ...listed.flatMap(([kind, list]) =>
        list.map((value, i): [string, unknown] => [`${kind}#${i}`, value]),
      ),
    ]);
  }
}
