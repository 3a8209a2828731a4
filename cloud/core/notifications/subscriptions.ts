/**
 * Where a household's notifications are announced besides the API: e-mail addresses and phone
 * numbers the household chose. In AWS each is an SNS subscription to the household topic whose
 * filter policy matches only this household's messages; on one machine they are only recorded.
 */
import { RuleViolationError } from '../catalog/errors.ts';
import { NotFoundError } from '../errors.ts';
import type { Clock } from '../ports.ts';
import type { NotificationStore } from './notification-store.ts';

export const SUBSCRIPTION_PROTOCOLS = ['email', 'sms'] as const;
export type SubscriptionProtocol = (typeof SUBSCRIPTION_PROTOCOLS)[number];

/** Few enough that one household cannot turn the topic into a mailing list. */
export const MAX_SUBSCRIPTIONS = 5;

export interface Subscription {
  householdId: string;
  subscriptionId: string;
  protocol: SubscriptionProtocol;
  /** The e-mail address or E.164 phone number. */
  endpoint: string;
  createdAt: number;
  /** The channel's own id (the SNS subscription ARN); never shown to the household. */
  reference: string;
}

export interface SubscriptionChannel {
  /** Starts delivery of this household's announcements to the endpoint; returns its reference. */
  subscribe(householdId: string, protocol: SubscriptionProtocol, endpoint: string): Promise<string>;
  unsubscribe(reference: string): Promise<void>;
}

export class Subscriptions {
  constructor(
    private readonly store: NotificationStore,
    private readonly channel: SubscriptionChannel,
    private readonly clock: Clock,
    private readonly newId: () => string,
  ) {}

  list(householdId: string): Promise<Subscription[]> {
    return this.store.listSubscriptions(householdId);
  }

  async subscribe(
    householdId: string,
    protocol: SubscriptionProtocol,
    endpoint: string,
  ): Promise<Subscription> {
    const existing = await this.store.listSubscriptions(householdId);
    const same = existing.find((s) => s.protocol === protocol && s.endpoint === endpoint);
    if (same) return same;
    if (existing.length >= MAX_SUBSCRIPTIONS) {
      throw new RuleViolationError(
        'TOO_MANY_SUBSCRIPTIONS',
        `a household may have at most ${MAX_SUBSCRIPTIONS} subscriptions`,
      );
    }
    const reference = await this.channel.subscribe(householdId, protocol, endpoint);
    const subscription: Subscription = {
      householdId,
      subscriptionId: this.newId(),
      protocol,
      endpoint,
      createdAt: this.clock.now(),
      reference,
    };
    await this.store.putSubscription(subscription);
    return subscription;
  }

  async unsubscribe(householdId: string, subscriptionId: string): Promise<Subscription> {
    const subscription = (await this.store.listSubscriptions(householdId)).find(
      (s) => s.subscriptionId === subscriptionId,
    );
    if (!subscription) throw new NotFoundError('subscription', subscriptionId);
    // Channel first: a crash in between leaves a record that the next call removes again.
    await this.channel.unsubscribe(subscription.reference);
    await this.store.deleteSubscription(householdId, subscriptionId);
    return subscription;
  }

  /** Erasure: every subscription of the household, at the channel and in the store. */
  async unsubscribeAll(householdId: string): Promise<number> {
    const all = await this.store.listSubscriptions(householdId);
    for (const subscription of all)
      await this.unsubscribe(householdId, subscription.subscriptionId);
    return all.length;
  }
}
