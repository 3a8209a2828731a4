import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  MAX_SUBSCRIPTIONS,
  type SubscriptionChannel,
  Subscriptions,
} from '../../../cloud/core/notifications/subscriptions.ts';
import { MemoryNotificationStore } from '../../../cloud/store/memory/memory-notification-store.ts';
import { MemoryTable } from '../../../cloud/store/memory/memory-table.ts';
import { ManualClock } from '../../helpers/world.ts';

/** Records what the channel (SNS in AWS) was asked to do. */
function recordingChannel() {
  const calls: string[] = [];
  let n = 0;
  const channel: SubscriptionChannel = {
    subscribe: async (householdId, protocol, endpoint) => {
      calls.push(`subscribe ${householdId} ${protocol} ${endpoint}`);
      return `ref-${++n}`;
    },
    unsubscribe: async (reference) => void calls.push(`unsubscribe ${reference}`),
  };
  return { channel, calls };
}

describe('household subscriptions', () => {
  it('subscribes once per endpoint, caps the count, and unsubscribes at the channel', async () => {
    const { channel, calls } = recordingChannel();
    const subscriptions = new Subscriptions(
      new MemoryNotificationStore(new MemoryTable()),
      channel,
      new ManualClock(),
      randomUUID,
    );
    const first = await subscriptions.subscribe('hh-1', 'email', 'a@example.org');
    const again = await subscriptions.subscribe('hh-1', 'email', 'a@example.org');
    expect(again).toEqual(first);
    for (let i = 1; i < MAX_SUBSCRIPTIONS; i++) {
      await subscriptions.subscribe('hh-1', 'sms', `+49151000000${i}`);
    }
    await expect(subscriptions.subscribe('hh-1', 'sms', '+4915100000099')).rejects.toMatchObject({
      code: 'TOO_MANY_SUBSCRIPTIONS',
    });
    expect(calls.filter((c) => c.startsWith('subscribe'))).toHaveLength(MAX_SUBSCRIPTIONS);
    await subscriptions.unsubscribe('hh-1', first.subscriptionId);
    expect(calls.at(-1)).toBe('unsubscribe ref-1');
    await expect(subscriptions.unsubscribe('hh-2', first.subscriptionId)).rejects.toMatchObject({
      code: 'NOT_FOUND',
    });
  });

  it('erasure removes every subscription at the channel and in the store', async () => {
    const { channel, calls } = recordingChannel();
    const store = new MemoryNotificationStore(new MemoryTable());
    const subscriptions = new Subscriptions(store, channel, new ManualClock(), randomUUID);
    await subscriptions.subscribe('hh-1', 'email', 'a@example.org');
    await subscriptions.subscribe('hh-1', 'sms', '+4915112345678');
    await subscriptions.subscribe('hh-2', 'email', 'b@example.org');
    expect(await subscriptions.unsubscribeAll('hh-1')).toBe(2);
    expect(calls.filter((c) => c.startsWith('unsubscribe')).sort()).toEqual([
      'unsubscribe ref-1',
      'unsubscribe ref-2',
    ]);
    expect(await store.listSubscriptions('hh-1')).toEqual([]);
    expect(await store.listSubscriptions('hh-2')).toHaveLength(1);
  });
});
