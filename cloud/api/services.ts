/** The core services the routes call, built once from the app's dependencies. */
import { randomUUID } from 'node:crypto';
import type { Context } from 'hono';
import { Catalog } from '../core/catalog/catalog.ts';
import { WelcomeCredits } from '../core/credits/welcome-credits.ts';
import { Fleet } from '../core/fleet/fleet.ts';
import { FleetHealth } from '../core/health/fleet-health.ts';
import { HouseholdAccount } from '../core/households/account.ts';
import { HouseholdGuard } from '../core/households/guard-settings.ts';
import { Idempotency } from '../core/idempotency/idempotency.ts';
import { HouseholdInsight } from '../core/insight/household-insight.ts';
import { Subscriptions } from '../core/notifications/subscriptions.ts';
import { Rollouts } from '../core/rollouts/rollouts.ts';
import { Sandbox } from '../core/sandbox/sandbox.ts';
import { nodeSha256 } from '../core/sha256.ts';
import { Webhooks } from '../core/webhooks/webhooks.ts';
import type { ApiDeps } from './deps.ts';
import type { ApiEnv } from './env.ts';

export type Services = ReturnType<typeof buildServices>;

export function buildServices(deps: ApiDeps) {
  const { stores, clock } = deps;
  const newId = deps.newId ?? randomUUID;
  const catalog = new Catalog(stores.skus, clock);
  const fleet = new Fleet(
    stores.buttons,
    stores.claims,
    catalog,
    deps.keySource,
    clock,
    stores.buttonEvents,
  );
  const insight = new HouseholdInsight(stores.activity);
  const subscriptions = new Subscriptions(stores.notifications, deps.subscriptions, clock, newId);
  const account = new HouseholdAccount({
    households: stores.households,
    buttons: stores.buttons,
    fleet,
    notifications: stores.notifications,
    subscriptions,
    orders: stores.orders,
    orderActions: deps.orderService,
    insight,
  });
  return {
    deps,
    catalog,
    fleet,
    account,
    guard: new HouseholdGuard({ households: stores.households, buttons: stores.buttons }),
    subscriptions,
    idempotency: new Idempotency(stores.idempotency, clock),
    webhooks: new Webhooks(stores.webhooks, clock, newId),
    insight,
    health: new FleetHealth(stores, clock, deps.log),
    rollouts: deps.ota
      ? new Rollouts({
          store: stores.rollouts,
          fleet: stores.buttons,
          assigner: deps.updateAssigner ?? deps.ota.updates,
          images: deps.ota.firmware,
          clock,
          newId,
          log: deps.log,
        })
      : null,
    sandbox: new Sandbox({
      buttons: stores.buttons,
      sandbox: stores.sandbox,
      catalog,
      keys: deps.keySource,
      presses: deps.presses,
      clock,
      sha256: nodeSha256,
      newId,
    }),
    welcomeCredits: new WelcomeCredits({
      credits: stores.credits,
      orders: stores.orders,
      actions: deps.orderService,
      catalog,
      clock,
    }),

    /** Appends a support action to the audit trail (before answering, so none goes unrecorded). */
    async audit(c: Context<ApiEnv>, action: string, subject: string, reason: string | null) {
      await stores.audit.appendAudit({
        auditId: newId(),
        at: clock.now(),
        actor: { kind: 'support', id: c.get('principal').subject },
        action,
        subject,
        reason,
      });
    },
  };
}
