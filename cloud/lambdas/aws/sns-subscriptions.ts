import { type SNSClient, SubscribeCommand, UnsubscribeCommand } from '@aws-sdk/client-sns';
import type {
  SubscriptionChannel,
  SubscriptionProtocol,
} from '../../core/notifications/subscriptions.ts';

/**
 * A household's e-mail/SMS endpoints as subscriptions to the household topic, each with a filter
 * policy on the `householdId` message attribute the order-event Lambda sets: one topic, and every
 * subscriber hears only about its own household.
 */
export class SnsSubscriptionChannel implements SubscriptionChannel {
  constructor(
    private readonly client: SNSClient,
    private readonly topicArn: string,
  ) {}

  async subscribe(
    householdId: string,
    protocol: SubscriptionProtocol,
    endpoint: string,
  ): Promise<string> {
    const out = await this.client.send(
      new SubscribeCommand({
        TopicArn: this.topicArn,
        Protocol: protocol,
        Endpoint: endpoint,
        Attributes: {
          FilterPolicyScope: 'MessageAttributes',
          FilterPolicy: JSON.stringify({ householdId: [householdId] }),
        },
        // The ARN even while an e-mail subscription awaits confirmation, so it can be removed.
        ReturnSubscriptionArn: true,
      }),
    );
    if (!out.SubscriptionArn) throw new Error('SNS returned no subscription ARN');
    return out.SubscriptionArn;
  }

  async unsubscribe(reference: string): Promise<void> {
    await this.client.send(new UnsubscribeCommand({ SubscriptionArn: reference }));
  }
}
