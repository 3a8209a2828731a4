/** What the API app is built from: ports only; entry points choose the adapters. */
import type { AuditStore } from '../core/audit/audit-store.ts';
import type { TokenVerifier } from '../core/auth/token-verifier.ts';
import type { SkuStore } from '../core/catalog/sku-store.ts';
import type { CreditStore } from '../core/credits/credit-store.ts';
import type { ButtonEventStore } from '../core/events/button-events.ts';
import type { ButtonStore } from '../core/fleet/button-store.ts';
import type { ClaimStore } from '../core/fleet/claim-store.ts';
import type { HealthStore } from '../core/health/health-store.ts';
import type { HouseholdStore } from '../core/households/household-store.ts';
import type { OrderActions } from '../core/households/order-actions.ts';
import type { IdempotencyStore } from '../core/idempotency/idempotency-store.ts';
import type { ActivityStore } from '../core/insight/activity-store.ts';
import type { StatsStore } from '../core/insight/stats-store.ts';
import type { NotificationStore } from '../core/notifications/notification-store.ts';
import type { SubscriptionChannel } from '../core/notifications/subscriptions.ts';
import type { OrderStore } from '../core/orders/order-store.ts';
import type {
  DesiredSettingsStore,
  FirmwareImageStore,
  UpdateAssignmentStore,
} from '../core/ota/ports.ts';
import type { Clock, KeySource, Log } from '../core/ports.ts';
import type { RolloutStore } from '../core/rollouts/rollout-store.ts';
import type { UpdateAssigner } from '../core/rollouts/rollouts.ts';
import type { PressHandler } from '../core/sandbox/sandbox.ts';
import type { SandboxStore } from '../core/sandbox/sandbox-store.ts';
import type { WebhookStore } from '../core/webhooks/webhook-store.ts';

export interface ApiStores {
  skus: SkuStore;
  buttons: ButtonStore;
  claims: ClaimStore;
  households: HouseholdStore;
  notifications: NotificationStore;
  audit: AuditStore;
  idempotency: IdempotencyStore;
  orders: OrderStore;
  /** Brand statistics, maintained from order events (StatsCounter). */
  stats: StatsStore;
  webhooks: WebhookStore;
  /** Button claimed/released/low-battery/silent events, waiting for the relay. */
  buttonEvents: ButtonEventStore;
  /** Fleet health records, maintained from events (FleetHealth). */
  health: HealthStore;
  /** The brand's pseudonymous household records, maintained from events (HouseholdInsight). */
  activity: ActivityStore;
  /** Welcome-credit offers and the ledger of credits used. */
  credits: CreditStore;
  /** Test orders listed apart, and the sandbox reset. */
  sandbox: SandboxStore;
  /** Firmware rollouts and their members. */
  rollouts: RolloutStore;
}

/** The over-the-air stores the firmware, rollout and device-settings routes run on. */
export interface OtaStores {
  /** Uploaded firmware images, per brand. */
  firmware: FirmwareImageStore;
  /** Which update each button has to take (its pending flag for the press path). */
  updates: UpdateAssignmentStore;
  /** What each button applies at its next wake. */
  deviceSettings: DesiredSettingsStore;
}

export interface ApiDeps {
  stores: ApiStores;
  /** The order state changes (OrderService satisfies this). */
  orderService: OrderActions;
  /**
   * The press pipeline, for virtual test buttons (the same PressService the press Lambda and
   * the local topic rule run; its acks go nowhere: the HTTP answer carries the outcome).
   */
  presses: PressHandler;
  clock: Clock;
  keySource: KeySource;
  tokens: TokenVerifier;
  /** Where household subscriptions are made: SNS in AWS, recorded only on one machine. */
  subscriptions: SubscriptionChannel;
  log: Log;
  /** Without them the app serves no firmware, rollout or device-settings routes. */
  ota?: OtaStores | undefined;
  /**
   * Hands buttons their updates: the table's assignments locally, the table plus AWS IoT Jobs in
   * AWS. Default: `ota.updates`.
   */
  updateAssigner?: UpdateAssigner;
  /** Ids for audit entries and notifications; random UUIDs unless a test pins them. */
  newId?: () => string;
}
