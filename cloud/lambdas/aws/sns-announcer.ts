import { PublishCommand, type SNSClient } from '@aws-sdk/client-sns';
import type { Notification } from '../../core/notifications/notification-store.ts';
import type { Announcer } from '../../core/notifications/notify.ts';

/**
 * Household notifications on the SNS topic. Each household's e-mail/SMS subscriptions carry a
 * filter policy on `householdId`, so a message reaches only the household it is about.
 */
export class SnsAnnouncer implements Announcer {
  constructor(
    private readonly client: SNSClient,
    private readonly topicArn: string,
  ) {}

  async announce(notification: Notification): Promise<void> {
    await this.client.send(
      new PublishCommand({
        TopicArn: this.topicArn,
        Subject: 'Restock',
        Message: notification.message,
        MessageAttributes: {
          householdId: { DataType: 'String', StringValue: notification.householdId },
          kind: { DataType: 'String', StringValue: notification.kind },
        },
      }),
    );
  }
}
