/**
 * A household's account as a whole: the data export and the erasure. Erasure deletes the
 * profile (name, e-mail, address), notifications, subscriptions and claim codes, detaches the buttons,
 * cancels what can still be cancelled, and keeps the orders under an anonymous id so they
 * still count for the brand (tax records). Every step is idempotent, so a failed erasure is
 * finished by calling it again.
 */
import { randomUUID } from 'node:crypto';
import { ConflictError, IllegalTransitionError } from '../errors.ts';
import type { ButtonStore } from '../fleet/button-store.ts';
import type { Fleet } from '../fleet/fleet.ts';
import type { HouseholdInsight } from '../insight/household-insight.ts';
import {
  type Button,
  DEFAULT_HOUSEHOLD_GUARD,
  type Household,
  type HouseholdGuardSettings,
  type Order,
} from '../model.ts';
import type { Notification, NotificationStore } from '../notifications/notification-store.ts';
import type { Subscription, Subscriptions } from '../notifications/subscriptions.ts';
import type { OrderStore } from '../orders/order-store.ts';
import { collectAll } from './collect.ts';
import type { HouseholdStore } from './household-store.ts';
import type { OrderActions } from './order-actions.ts';

export interface HouseholdExport {
  household: Household | null;
  guardSettings: HouseholdGuardSettings;
  buttons: Button[];
  orders: Order[];
  notifications: Notification[];
  subscriptions: Subscription[];
}

export interface ErasureSummary {
  anonymousId: string;
  ordersCancelled: number;
  ordersAnonymised: number;
  buttonsReleased: number;
  notificationsDeleted: number;
  subscriptionsDeleted: number;
}

export class HouseholdAccount {
  constructor(
    private readonly deps: {
      households: HouseholdStore;
      buttons: ButtonStore;
      fleet: Fleet;
      notifications: NotificationStore;
      subscriptions: Subscriptions;
      orders: OrderStore;
      orderActions: OrderActions;
      insight: HouseholdInsight;
    },
  ) {}

  async export(householdId: string): Promise<HouseholdExport> {
    const { households, buttons, orders, notifications, subscriptions } = this.deps;
    return {
      household: await households.getHousehold(householdId),
      guardSettings: (await households.getGuardSettings(householdId)) ?? DEFAULT_HOUSEHOLD_GUARD,
      buttons: await collectAll((page) => buttons.listHouseholdButtons(householdId, page)),
      orders: await collectAll((page) => orders.listHouseholdOrders(householdId, page)),
      notifications: await collectAll((page) => notifications.listNotifications(householdId, page)),
      subscriptions: await subscriptions.list(householdId),
    };
  }

  async erase(householdId: string): Promise<ErasureSummary> {
    const { households, buttons, fleet, notifications, orders, orderActions } = this.deps;
    const actor = { kind: 'household' as const, id: householdId };
    let ordersCancelled = 0;
    const held = await collectAll((page) => orders.listHouseholdOrders(householdId, page));
    for (const order of held) {
      try {
        if (order.status === 'PLACED') {
          await orderActions.cancel(order.orderId, actor, 'account erased');
          ordersCancelled++;
        } else if (order.status === 'NEEDS_CONFIRMATION') {
          await orderActions.decline(order.orderId, actor);
          ordersCancelled++;
        }
      } catch (error) {
        // The order moved on meanwhile (confirmed by the timer, say): it is kept, anonymised.
        if (!(error instanceof IllegalTransitionError) && !(error instanceof ConflictError)) {
          throw error;
        }
      }
    }
    const owned = await collectAll((page) => buttons.listHouseholdButtons(householdId, page));
    // The brands' analytics forget the household before its buttons go (a retry finds them).
    const brands = [...owned, ...held].map((record) => record.brandId);
    await this.deps.insight.erase(householdId, brands);
    for (const button of owned) await fleet.release(householdId, button.deviceId);
    const anonymousId = `anon-${randomUUID()}`;
    const ordersAnonymised = await orders.anonymiseHouseholdOrders(householdId, anonymousId);
    const notificationsDeleted = await notifications.deleteNotifications(householdId);
    const subscriptionsDeleted = await this.deps.subscriptions.unsubscribeAll(householdId);
    await households.deleteHousehold(householdId);
    return {
      anonymousId,
      ordersCancelled,
      ordersAnonymised,
      buttonsReleased: owned.length,
      notificationsDeleted,
      subscriptionsDeleted,
    };
  }
}
