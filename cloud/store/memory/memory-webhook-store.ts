/** WebhookStore on the MemoryTable. */
import type { Page, PageRequest } from '../../core/page.ts';
import type { WebhookStore } from '../../core/webhooks/webhook-store.ts';
import type {
  WebhookDelivery,
  WebhookEndpoint,
  WebhookSecrets,
} from '../../core/webhooks/webhooks.ts';
import { byKey, pageOf } from './memory-page.ts';
import { clone, type MemoryTable } from './memory-table.ts';

const key = (brandId: string, id: string) => `${brandId}/${id}`;
const recentKey = (d: WebhookDelivery) =>
  `${String(d.createdAt).padStart(13, '0')}#${d.deliveryId}`;
const deadKey = (d: WebhookDelivery) => `${String(d.deadAt).padStart(13, '0')}#${d.deliveryId}`;

export class MemoryWebhookStore implements WebhookStore {
  constructor(private readonly table: MemoryTable) {}

  async putEndpoint(endpoint: WebhookEndpoint): Promise<void> {
    this.table.webhookEndpoints.set(key(endpoint.brandId, endpoint.endpointId), clone(endpoint));
  }

  async getEndpoint(brandId: string, endpointId: string): Promise<WebhookEndpoint | null> {
    return clone(this.table.webhookEndpoints.get(key(brandId, endpointId)) ?? null);
  }

  async listEndpoints(brandId: string): Promise<WebhookEndpoint[]> {
    return clone(
      [...this.table.webhookEndpoints.values()]
        .filter((e) => e.brandId === brandId)
        .sort(byKey((e) => e.endpointId)),
    );
  }

  async deleteEndpoint(brandId: string, endpointId: string): Promise<boolean> {
    return this.table.webhookEndpoints.delete(key(brandId, endpointId));
  }

  async getSecrets(brandId: string): Promise<WebhookSecrets | null> {
    return clone(this.table.webhookSecrets.get(brandId) ?? null);
  }

  async putSecrets(secrets: WebhookSecrets, expectedVersion: number): Promise<boolean> {
    const stored = this.table.webhookSecrets.get(secrets.brandId);
    if ((stored?.version ?? 0) !== expectedVersion) return false;
    this.table.webhookSecrets.set(secrets.brandId, clone(secrets));
    return true;
  }

  async addDelivery(delivery: WebhookDelivery): Promise<boolean> {
    const k = key(delivery.brandId, delivery.deliveryId);
    if (this.table.webhookDeliveries.has(k)) return false;
    this.table.webhookDeliveries.set(k, clone(delivery));
    return true;
  }

  async getDelivery(brandId: string, deliveryId: string): Promise<WebhookDelivery | null> {
    return clone(this.table.webhookDeliveries.get(key(brandId, deliveryId)) ?? null);
  }

  async dueDeliveries(now: number, limit: number): Promise<WebhookDelivery[]> {
    return clone(
      [...this.table.webhookDeliveries.values()]
        .filter((d) => d.status === 'PENDING' && d.nextAttemptAt <= now)
        .sort(byKey((d) => `${String(d.nextAttemptAt).padStart(13, '0')}#${d.deliveryId}`))
        .slice(0, limit),
    );
  }

  async updateDelivery(
    next: WebhookDelivery,
    expected: Pick<WebhookDelivery, 'status' | 'attempts'>,
  ): Promise<boolean> {
    const k = key(next.brandId, next.deliveryId);
    const stored = this.table.webhookDeliveries.get(k);
    if (!stored || stored.status !== expected.status || stored.attempts !== expected.attempts) {
      return false;
    }
    this.table.webhookDeliveries.set(k, clone(next));
    return true;
  }

  async listDeadDeliveries(brandId: string, page: PageRequest): Promise<Page<WebhookDelivery>> {
    const dead = [...this.table.webhookDeliveries.values()]
      .filter((d) => d.brandId === brandId && d.status === 'DEAD')
      .sort(byKey(deadKey));
    return pageOf(`dead#${brandId}`, dead, deadKey, page, true);
  }

  async listDeliveries(brandId: string, page: PageRequest): Promise<Page<WebhookDelivery>> {
    const all = [...this.table.webhookDeliveries.values()]
      .filter((d) => d.brandId === brandId)
      .sort(byKey(recentKey));
    return pageOf(`recent#${brandId}`, all, recentKey, page, true);
  }
}
