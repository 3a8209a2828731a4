/** DynamoDB adapter for NotificationStore: in the household's partition (keys.notification). */
import { DeleteCommand, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import type {
  Notification,
  NotificationStore,
} from '../../core/notifications/notification-store.ts';
import type { Subscription } from '../../core/notifications/subscriptions.ts';
import type { Page, PageRequest } from '../../core/page.ts';
import { decodeKeyCursor, encodeCursor } from '../page-cursor.ts';
import { batchPut } from './batch-write.ts';
import { guarded } from './dynamo-errors.ts';
import type { Table } from './table.ts';
import { keys } from './table-keys.ts';

const PREFIX = 'NOTE#';
const SUBSCRIPTION_PREFIX = 'SUB#';

export class DynamoNotificationStore implements NotificationStore {
  constructor(private readonly table: Table) {}

  async addNotifications(notifications: readonly Notification[]): Promise<void> {
    await batchPut(
      this.table,
      'addNotifications',
      notifications.map((n) => ({
        ...keys.notification(n.householdId, n.at, n.notificationId),
        type: 'notification',
        ...n,
      })),
    );
  }

  async listNotifications(householdId: string, page: PageRequest): Promise<Page<Notification>> {
    const { pk } = keys.household(householdId);
    const start = decodeKeyCursor(page.cursor, { pk });
    const out = await guarded('listNotifications', () =>
      this.table.doc.send(
        new QueryCommand({
          TableName: this.table.name,
          KeyConditionExpression: 'pk = :pk AND begins_with(sk, :note)',
          ExpressionAttributeValues: { ':pk': pk, ':note': PREFIX },
          ScanIndexForward: false,
          Limit: page.limit,
          ExclusiveStartKey: start,
        }),
      ),
    );
    return {
      items: (out.Items ?? []).map(({ pk: _pk, sk: _sk, type: _type, ...n }) => n as Notification),
      cursor: encodeCursor(out.LastEvaluatedKey),
    };
  }

  async deleteNotifications(householdId: string): Promise<number> {
    const { pk } = keys.household(householdId);
    let deleted = 0;
    let start: Record<string, unknown> | undefined;
    do {
      const out = await guarded('deleteNotifications', () =>
        this.table.doc.send(
          new QueryCommand({
            TableName: this.table.name,
            KeyConditionExpression: 'pk = :pk AND begins_with(sk, :note)',
            ExpressionAttributeValues: { ':pk': pk, ':note': PREFIX },
            ProjectionExpression: 'pk, sk',
            ExclusiveStartKey: start,
          }),
        ),
      );
      for (const item of out.Items ?? []) {
        await guarded('deleteNotifications', () =>
          this.table.doc.send(
            new DeleteCommand({ TableName: this.table.name, Key: { pk: item.pk, sk: item.sk } }),
          ),
        );
        deleted++;
      }
      start = out.LastEvaluatedKey;
    } while (start);
    return deleted;
  }

  async putSubscription(subscription: Subscription): Promise<void> {
    const key = keys.subscription(subscription.householdId, subscription.subscriptionId);
    await guarded('putSubscription', () =>
      this.table.doc.send(
        new PutCommand({
          TableName: this.table.name,
          Item: { ...key, type: 'subscription', ...subscription },
        }),
      ),
    );
  }

  async listSubscriptions(householdId: string): Promise<Subscription[]> {
    const { pk } = keys.household(householdId);
    const out = await guarded('listSubscriptions', () =>
      this.table.doc.send(
        new QueryCommand({
          TableName: this.table.name,
          KeyConditionExpression: 'pk = :pk AND begins_with(sk, :sub)',
          ExpressionAttributeValues: { ':pk': pk, ':sub': SUBSCRIPTION_PREFIX },
          ConsistentRead: true,
        }),
      ),
    );
    return (out.Items ?? [])
      .map(({ pk: _pk, sk: _sk, type: _type, ...s }) => s as Subscription)
      .sort(
        (a, b) => a.createdAt - b.createdAt || a.subscriptionId.localeCompare(b.subscriptionId),
      );
  }

  async deleteSubscription(householdId: string, subscriptionId: string): Promise<void> {
    await guarded('deleteSubscription', () =>
      this.table.doc.send(
        new DeleteCommand({
          TableName: this.table.name,
          Key: keys.subscription(householdId, subscriptionId),
        }),
      ),
    );
  }
}
