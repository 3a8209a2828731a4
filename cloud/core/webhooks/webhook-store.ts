/** Where brands' webhook endpoints, secrets and deliveries live (one item each in DynamoDB). */
import type { Page, PageRequest } from '../page.ts';
import type { WebhookDelivery, WebhookEndpoint, WebhookSecrets } from './webhooks.ts';

export interface WebhookStore {
  putEndpoint(endpoint: WebhookEndpoint): Promise<void>;
  getEndpoint(brandId: string, endpointId: string): Promise<WebhookEndpoint | null>;
  listEndpoints(brandId: string): Promise<WebhookEndpoint[]>;
  /** False when there was no such endpoint. */
  deleteEndpoint(brandId: string, endpointId: string): Promise<boolean>;

  getSecrets(brandId: string): Promise<WebhookSecrets | null>;
  /** Writes the brand's secrets only if their version is still `expectedVersion` (0: none yet). */
  putSecrets(secrets: WebhookSecrets, expectedVersion: number): Promise<boolean>;

  /** Adds a delivery unless one with its id exists (a redelivered event); true when added. */
  addDelivery(delivery: WebhookDelivery): Promise<boolean>;
  getDelivery(brandId: string, deliveryId: string): Promise<WebhookDelivery | null>;
  /** Pending deliveries whose next attempt is due at `now`, earliest first. */
  dueDeliveries(now: number, limit: number): Promise<WebhookDelivery[]>;
  /**
   * Replaces a delivery only if it is still in the state the caller read (status and attempt
   * count): two dispatchers never both record the same attempt.
   */
  updateDelivery(
    next: WebhookDelivery,
    expected: Pick<WebhookDelivery, 'status' | 'attempts'>,
  ): Promise<boolean>;
  /** The brand's dead-lettered deliveries, newest first. */
  listDeadDeliveries(brandId: string, page: PageRequest): Promise<Page<WebhookDelivery>>;
  /** Every delivery of the brand in any state, newest first (by when it was queued). */
  listDeliveries(brandId: string, page: PageRequest): Promise<Page<WebhookDelivery>>;
}
