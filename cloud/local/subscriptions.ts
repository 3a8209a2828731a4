import type {
  SubscriptionChannel,
  SubscriptionProtocol,
} from '../core/notifications/subscriptions.ts';

/**
 * One machine sends no e-mail or SMS: subscriptions are recorded (and listed, exported, erased)
 * exactly as in AWS, and the notifications show on the console and in the outbox file.
 */
export const recordedSubscriptions: SubscriptionChannel = {
  subscribe: async (householdId: string, protocol: SubscriptionProtocol, endpoint: string) =>
    `local:${householdId}:${protocol}:${endpoint}`,
  unsubscribe: async () => {},
};
