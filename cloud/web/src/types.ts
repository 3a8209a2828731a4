/**
 * Response shapes, inferred from the API's own schemas (type-only imports: nothing of the API
 * is bundled into the page).
 */
import type { z } from '@hono/zod-openapi';
import type { ButtonRowsResultSchema } from '../../api/console-schemas.ts';
import type {
  AuditEntrySchema,
  BrandInsightSchema,
  BrandTotalsSchema,
  ButtonSchema,
  ErasureSchema,
  FulfilmentItemSchema,
  HouseholdButtonSchema,
  HouseholdGuardChangesSchema,
  HouseholdGuardSchema,
  HouseholdSchema,
  NotificationSchema,
  OrderSchema,
  PressLogEntrySchema,
  SettingsChangesSchema,
  SkuSchema,
  SupportBulkCancelResultSchema,
  SupportButtonSchema,
  SupportHouseholdSchema,
  TermsSchema,
  WebhookDeliverySchema,
  WebhookEndpointSchema,
  WebhookSecretSchema,
  WebhooksSchema,
} from '../../api/schemas.ts';

export type Role = 'household' | 'brand' | 'support';
export type Order = z.infer<typeof OrderSchema>;
export type Button = z.infer<typeof ButtonSchema>;
export type HouseholdButton = z.infer<typeof HouseholdButtonSchema>;
export type Terms = z.infer<typeof TermsSchema>;
export type BulkCancelResult = z.infer<typeof SupportBulkCancelResultSchema>;
export type SupportButton = z.infer<typeof SupportButtonSchema>;
export type SupportHousehold = z.infer<typeof SupportHouseholdSchema>;
export type Household = z.infer<typeof HouseholdSchema>;
export type Sku = z.infer<typeof SkuSchema>;
export type FulfilmentItem = z.infer<typeof FulfilmentItemSchema>;
export type PressLogEntry = z.infer<typeof PressLogEntrySchema>;
export type AuditEntry = z.infer<typeof AuditEntrySchema>;
export type Notification = z.infer<typeof NotificationSchema>;
export type BrandTotals = z.infer<typeof BrandTotalsSchema>;
export type BrandInsight = z.infer<typeof BrandInsightSchema>;
export type ButtonRowsResult = z.infer<typeof ButtonRowsResultSchema>;
export type Webhooks = z.infer<typeof WebhooksSchema>;
export type WebhookEndpoint = z.infer<typeof WebhookEndpointSchema>;
export type WebhookSecret = z.infer<typeof WebhookSecretSchema>;
export type WebhookDelivery = z.infer<typeof WebhookDeliverySchema>;
export type Erasure = z.infer<typeof ErasureSchema>;
export type SettingsChanges = z.input<typeof SettingsChangesSchema>;
export type HouseholdGuard = z.infer<typeof HouseholdGuardSchema>;
export type HouseholdGuardChanges = z.input<typeof HouseholdGuardChangesSchema>;
export interface Page<T> {
  items: T[];
  cursor?: string;
}
