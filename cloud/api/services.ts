/** The core services the routes call, built once from the app's dependencies. */
import { randomUUID } from 'node:crypto';
import type { Context } from 'hono';
import { Catalog } from '../core/catalog/catalog.ts';
import { Fleet } from '../core/fleet/fleet.ts';
import { HouseholdAccount } from '../core/households/account.ts';
import { HouseholdGuard } from '../core/households/guard-settings.ts';
import { Idempotency } from '../core/idempotency/idempotency.ts';
import type { Order, OrderEventType } from '../core/model.ts';
import { notificationFor } from '../core/notifications/notify.ts';
import type { ApiDeps } from './deps.ts';
import type { ApiEnv } from './env.ts';

export type Services = ReturnType<typeof buildServices>;

export function buildServices(deps: ApiDeps) {
  const { stores, clock } = deps;
  const newId = deps.newId ?? randomUUID;
  const catalog = new Catalog(stores.skus, clock);
  const fleet = new Fleet(stores.buttons, stores.claims, catalog, deps.keySource, clock);
  const account = new HouseholdAccount({
    households: stores.households,
    buttons: stores.buttons,
    fleet,
    notifications: stores.notifications,
    orders: stores.orders,
    orderActions: deps.orderService,
  });
  return {
    deps,
    catalog,
    fleet,
    account,
    guard: new HouseholdGuard({ households: stores.households, buttons: stores.buttons }),
    idempotency: new Idempotency(stores.idempotency, clock),

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

    /** Tells the household about a change someone else made to its order. */
    async notify(order: Order, type: OrderEventType) {
      const event = {
        type,
        orderId: order.orderId,
        householdId: order.householdId,
        brandId: order.brandId,
        at: clock.now(),
        order,
      };
      await stores.notifications.addNotification(notificationFor(event, newId()));
    },
  };
}
