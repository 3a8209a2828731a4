/**
 * WebhookStore on the table: endpoints and secrets in the brand's partition, deliveries in their
 * own (`HOOKDLV#{brand}`). A pending delivery sits in gsi3 under `HOOKDUE` by its next attempt
 * time (the dispatcher's queue), a dead one in gsi2 under `BRAND#{brand}#HOOKDEAD`; a delivered
 * one in neither. Every delivery sits in gsi1 under `BRAND#{brand}#HOOKDLV` by the time it was
 * queued (the brand's recent deliveries). Every delivery change is one conditional put on the
 * state the caller read.
 *
 * The body is stored deflated (`bodyZ`): an order's body is most of the item, and compressed the
 * item stays under 1 KB, which halves the write units of each of a delivery's writes (DynamoDB
 * bills a write per started KB). Items written before keep their plain `body` and read as before.
 */
import { deflateRawSync, inflateRawSync } from 'node:zlib';
import { DeleteCommand, GetCommand, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { Page, PageRequest } from '../../core/page.ts';
import type { WebhookStore } from '../../core/webhooks/webhook-store.ts';
import type {
  WebhookDelivery,
  WebhookEndpoint,
  WebhookSecrets,
} from '../../core/webhooks/webhooks.ts';
import { decodeKeyCursor, encodeCursor } from '../page-cursor.ts';
import { conditional, guarded } from './dynamo-errors.ts';
import { queryIndexItems } from './index-query.ts';
import type { Table } from './table.ts';
import { keys, timeKey } from './table-keys.ts';

const DUE = 'HOOKDUE';
const deadPartition = (brandId: string) => `BRAND#${brandId}#HOOKDEAD`;
const recentPartition = (brandId: string) => `BRAND#${brandId}#HOOKDLV`;
const ENDPOINT_PREFIX = 'HOOK#';

const strip = <T>(item: Record<string, unknown>, names: string[]): T => {
  const out = { ...item };
  for (const name of ['pk', 'sk', 'type', ...names]) delete out[name];
  return out as T;
};

function deliveryItem(d: WebhookDelivery): Record<string, unknown> {
  const { body, ...rest } = d;
  const item: Record<string, unknown> = {
    ...keys.webhookDelivery(d.brandId, d.deliveryId),
    type: 'webhookDelivery',
    ...rest,
    bodyZ: deflateRawSync(body),
    gsi1pk: recentPartition(d.brandId),
    gsi1sk: `${timeKey(d.createdAt)}#${d.deliveryId}`,
  };
  if (d.status === 'PENDING') {
    item.gsi3pk = DUE;
    item.gsi3sk = `${timeKey(d.nextAttemptAt)}#${d.deliveryId}`;
  } else if (d.status === 'DEAD') {
    item.gsi2pk = deadPartition(d.brandId);
    item.gsi2sk = `${timeKey(d.deadAt ?? 0)}#${d.deliveryId}`;
  }
  return item;
}

const INDEX_ATTRIBUTES = ['gsi1pk', 'gsi1sk', 'gsi2pk', 'gsi2sk', 'gsi3pk', 'gsi3sk', 'bodyZ'];

function deliveryOf(item: Record<string, unknown>): WebhookDelivery {
  const delivery = strip<WebhookDelivery>(item, INDEX_ATTRIBUTES);
  if (item.bodyZ instanceof Uint8Array) delivery.body = inflateRawSync(item.bodyZ).toString();
  return delivery;
}

export class DynamoWebhookStore implements WebhookStore {
  constructor(private readonly table: Table) {}

  private get(operation: string, key: Record<string, string>) {
    return guarded(operation, () =>
      this.table.doc.send(
        new GetCommand({ TableName: this.table.name, Key: key, ConsistentRead: true }),
      ),
    ).then((out) => out.Item ?? null);
  }

  async putEndpoint(endpoint: WebhookEndpoint): Promise<void> {
    await guarded('putEndpoint', () =>
      this.table.doc.send(
        new PutCommand({
          TableName: this.table.name,
          Item: {
            ...keys.webhookEndpoint(endpoint.brandId, endpoint.endpointId),
            type: 'webhookEndpoint',
            ...endpoint,
          },
        }),
      ),
    );
  }

  async getEndpoint(brandId: string, endpointId: string): Promise<WebhookEndpoint | null> {
    const item = await this.get('getEndpoint', keys.webhookEndpoint(brandId, endpointId));
    return item ? strip<WebhookEndpoint>(item, []) : null;
  }

  async listEndpoints(brandId: string): Promise<WebhookEndpoint[]> {
    const endpoints: WebhookEndpoint[] = [];
    let start: Record<string, unknown> | undefined;
    do {
      const out = await guarded('listEndpoints', () =>
        this.table.doc.send(
          new QueryCommand({
            TableName: this.table.name,
            KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
            ExpressionAttributeValues: {
              ':pk': keys.brand(brandId).pk,
              ':prefix': ENDPOINT_PREFIX,
            },
            ExclusiveStartKey: start,
          }),
        ),
      );
      for (const item of out.Items ?? []) endpoints.push(strip<WebhookEndpoint>(item, []));
      start = out.LastEvaluatedKey;
    } while (start);
    return endpoints;
  }

  async deleteEndpoint(brandId: string, endpointId: string): Promise<boolean> {
    return conditional('deleteEndpoint', () =>
      this.table.doc.send(
        new DeleteCommand({
          TableName: this.table.name,
          Key: keys.webhookEndpoint(brandId, endpointId),
          ConditionExpression: 'attribute_exists(pk)',
        }),
      ),
    );
  }

  async getSecrets(brandId: string): Promise<WebhookSecrets | null> {
    const item = await this.get('getSecrets', keys.webhookSecrets(brandId));
    return item ? strip<WebhookSecrets>(item, []) : null;
  }

  async putSecrets(secrets: WebhookSecrets, expectedVersion: number): Promise<boolean> {
    return conditional('putSecrets', () =>
      this.table.doc.send(
        new PutCommand({
          TableName: this.table.name,
          Item: { ...keys.webhookSecrets(secrets.brandId), type: 'webhookSecrets', ...secrets },
          ConditionExpression:
            expectedVersion === 0 ? 'attribute_not_exists(pk)' : 'version = :version',
          ...(expectedVersion === 0
            ? {}
            : { ExpressionAttributeValues: { ':version': expectedVersion } }),
        }),
      ),
    );
  }

  async addDelivery(delivery: WebhookDelivery): Promise<boolean> {
    return conditional('addDelivery', () =>
      this.table.doc.send(
        new PutCommand({
          TableName: this.table.name,
          Item: deliveryItem(delivery),
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      ),
    );
  }

  async getDelivery(brandId: string, deliveryId: string): Promise<WebhookDelivery | null> {
    const item = await this.get('getDelivery', keys.webhookDelivery(brandId, deliveryId));
    return item ? deliveryOf(item) : null;
  }

  async dueDeliveries(now: number, limit: number): Promise<WebhookDelivery[]> {
    const page = await queryIndexItems(this.table, 'dueDeliveries', {
      IndexName: 'gsi3',
      KeyConditionExpression: 'gsi3pk = :due AND gsi3sk < :until',
      ExpressionAttributeValues: { ':due': DUE, ':until': `${timeKey(now)}#\uffff` },
      Limit: limit,
    });
    // The index is eventually consistent: an item it still lists may have moved on.
    return page.items
      .map(deliveryOf)
      .filter((d) => d.status === 'PENDING' && d.nextAttemptAt <= now);
  }

  async updateDelivery(
    next: WebhookDelivery,
    expected: Pick<WebhookDelivery, 'status' | 'attempts'>,
  ): Promise<boolean> {
    return conditional('updateDelivery', () =>
      this.table.doc.send(
        new PutCommand({
          TableName: this.table.name,
          Item: deliveryItem(next),
          ConditionExpression: '#status = :status AND attempts = :attempts',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: { ':status': expected.status, ':attempts': expected.attempts },
        }),
      ),
    );
  }

  async listDeadDeliveries(brandId: string, page: PageRequest): Promise<Page<WebhookDelivery>> {
    const gsi2pk = deadPartition(brandId);
    const start = decodeKeyCursor(page.cursor, { gsi2pk });
    const out = await queryIndexItems(this.table, 'listDeadDeliveries', {
      IndexName: 'gsi2',
      KeyConditionExpression: 'gsi2pk = :pk',
      ExpressionAttributeValues: { ':pk': gsi2pk },
      ScanIndexForward: false,
      Limit: page.limit,
      ExclusiveStartKey: start,
    });
    return { items: out.items.map(deliveryOf), cursor: encodeCursor(out.lastKey) };
  }

  async listDeliveries(brandId: string, page: PageRequest): Promise<Page<WebhookDelivery>> {
    const gsi1pk = recentPartition(brandId);
    const start = decodeKeyCursor(page.cursor, { gsi1pk });
    const out = await queryIndexItems(this.table, 'listDeliveries', {
      IndexName: 'gsi1',
      KeyConditionExpression: 'gsi1pk = :pk',
      ExpressionAttributeValues: { ':pk': gsi1pk },
      ScanIndexForward: false,
      Limit: page.limit,
      ExclusiveStartKey: start,
    });
    return { items: out.items.map(deliveryOf), cursor: encodeCursor(out.lastKey) };
  }
}
