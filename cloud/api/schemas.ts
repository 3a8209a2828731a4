/**
 * Request and response schemas. Types are inferred from them, the edge validates with them,
 * and /openapi.json is generated from them — one definition each.
 */

import { z } from '@hono/zod-openapi';
import { CLICK_TYPES, DEVICE_ID_MAX_LENGTH, OUTCOMES, RejectReason } from '#shared/index';
import { SETTINGS_BOUNDS } from '../core/fleet/settings-bounds.ts';
import { isTimeZone } from '../core/guard/local-time.ts';
import { RFM_SEGMENTS } from '../core/insight/rfm.ts';
import { CHILD_LOCKS, GUARD_REASONS, ORDER_STATUSES } from '../core/model.ts';
import { SUBSCRIPTION_PROTOCOLS } from '../core/notifications/subscriptions.ts';
import { WEBHOOK_EVENT_TYPES } from '../core/webhooks/event-types.ts';

const identifier = (max: number) =>
  z
    .string()
    .min(1)
    .max(max)
    .regex(/^[A-Za-z0-9_-]+$/);
export const DeviceId = identifier(DEVICE_ID_MAX_LENGTH).openapi({ example: 'btn-0001' });
export const SkuId = identifier(64).openapi({ example: 'coffee-1kg' });
export const OrderId = identifier(64).openapi({ example: 'btn-0001-7' });
export const HouseholdId = identifier(64);
const epochMs = z.number().int().nonnegative().openapi({ description: 'epoch milliseconds' });
export const cents = z.number().int().nonnegative().openapi({ description: 'integer minor units' });
const nonEmpty = (max: number) => z.string().trim().min(1).max(max);

export const ErrorSchema = z
  .object({ error: z.object({ code: z.string(), message: z.string() }) })
  .openapi('Error');

export const PageQuery = z.object({
  limit: z.coerce.number().int().min(1).max(100).default(25),
  cursor: z.string().max(2048).optional(),
});

export const paged = <T extends z.ZodType>(item: T, name: string) =>
  z
    .object({
      items: z.array(item),
      cursor: z.string().optional().openapi({ description: 'pass back for the next page' }),
    })
    .openapi(name);

// --- SKUs -----------------------------------------------------------------------------------

const usualIntervalDays = z.number().int().min(1).max(365).openapi({
  description:
    'how many days the product usually lasts: the reorder rhythm until a household has its own',
});

export const SkuSchema = z
  .object({
    brandId: z.string(),
    skuId: z.string(),
    name: z.string(),
    priceCents: cents,
    currency: z.string(),
    maxQuantity: z.number().int(),
    inStock: z.boolean(),
    retired: z.boolean(),
    priceHistory: z.array(z.object({ priceCents: cents, at: epochMs })),
    updatedAt: epochMs,
    usualIntervalDays: usualIntervalDays.nullable().optional(),
  })
  .openapi('Sku');
export const SkuPage = paged(SkuSchema, 'SkuPage');

export const NewSkuSchema = z
  .object({
    skuId: SkuId,
    name: nonEmpty(200),
    priceCents: cents,
    currency: z
      .string()
      .regex(/^[A-Z]{3}$/)
      .openapi({ example: 'EUR' }),
    maxQuantity: z.number().int().min(1).max(99),
    inStock: z.boolean().default(true),
    usualIntervalDays: usualIntervalDays.nullable().optional(),
  })
  .openapi('NewSku');

export const SkuChangesSchema = z
  .object({
    name: nonEmpty(200).optional(),
    priceCents: cents.optional(),
    maxQuantity: z.number().int().min(1).max(99).optional(),
    inStock: z.boolean().optional(),
    usualIntervalDays: usualIntervalDays.nullable().optional(),
  })
  .refine((v) => Object.values(v).some((x) => x !== undefined), 'change at least one field')
  .openapi('SkuChanges');

// --- Buttons --------------------------------------------------------------------------------

const bounded = (bound: keyof typeof SETTINGS_BOUNDS) =>
  z.number().min(SETTINGS_BOUNDS[bound].min).max(SETTINGS_BOUNDS[bound].max);

const SecondActionSchema = z.object({
  skuId: SkuId,
  quantity: bounded('quantity').int(),
});

const wallClock = z
  .string()
  .regex(/^([01][0-9]|2[0-3]):[0-5][0-9]$/)
  .openapi({ example: '22:00' });
const QuietHoursSchema = z
  .object({ from: wallClock, to: wallClock.openapi({ example: '07:00' }) })
  .openapi('QuietHours', {
    description: 'local time in the button’s time zone; may wrap midnight',
  });

export const SettingsSchema = z
  .object({
    skuId: z.string().nullable(),
    quantity: z.number().int(),
    secondAction: SecondActionSchema.nullable(),
    cancelWindowMinutes: z.number().int(),
    maxOpenOrders: z.number().int(),
    priceIncreaseLimitPct: z.number(),
    acceptedPriceCents: cents.nullable(),
    confirmFirstOrder: z.boolean(),
    childLock: z.enum(CHILD_LOCKS),
    quietHours: QuietHoursSchema.nullable(),
    timeZone: z.string(),
    earlyReorderPct: z.number().int(),
    learnRhythm: z.boolean(),
    remindWhenDue: z.boolean(),
    burstWindowSeconds: z.number().int(),
  })
  .openapi('ButtonSettings');

export const SettingsChangesSchema = z
  .object({
    skuId: SkuId.nullable().optional(),
    quantity: bounded('quantity').int().optional(),
    secondAction: SecondActionSchema.nullable().optional(),
    cancelWindowMinutes: bounded('cancelWindowMinutes').int().optional(),
    maxOpenOrders: bounded('maxOpenOrders').int().optional(),
    priceIncreaseLimitPct: bounded('priceIncreaseLimitPct').optional(),
    confirmFirstOrder: z.boolean().optional(),
    childLock: z.enum(CHILD_LOCKS).optional().openapi({
      description: "'confirm': every press waits for you; 'disabled': presses order nothing",
    }),
    quietHours: QuietHoursSchema.nullable().optional(),
    timeZone: z
      .string()
      .max(64)
      .refine(isTimeZone, 'an IANA time zone such as Europe/Paris')
      .optional(),
    earlyReorderPct: bounded('earlyReorderPct')
      .int()
      .optional()
      .openapi({ description: 'hold a press made before this % of your usual interval' }),
    learnRhythm: z.boolean().optional(),
    remindWhenDue: z.boolean().optional(),
    burstWindowSeconds: bounded('burstWindowSeconds')
      .int()
      .optional()
      .openapi({ description: 'presses this soon after an order are the same intent; 0 = off' }),
  })
  .strict()
  .openapi('ButtonSettingsChanges');

export const HouseholdGuardSchema = z
  .object({
    timeZone: z.string(),
    quietHours: QuietHoursSchema.nullable(),
    learnRhythm: z.boolean(),
  })
  .openapi('HouseholdGuardSettings', {
    description:
      'the household’s time zone, quiet hours and learning, applied to every button it holds',
  });

export const HouseholdGuardChangesSchema = z
  .object({
    timeZone: z
      .string()
      .max(64)
      .refine(isTimeZone, 'an IANA time zone such as Europe/Paris')
      .optional(),
    quietHours: QuietHoursSchema.nullable().optional(),
    learnRhythm: z.boolean().optional().openapi({
      description: 'false also forgets what was learned from your orders on every button',
    }),
  })
  .strict()
  .openapi('HouseholdGuardChanges');

export const ButtonSchema = z
  .object({
    deviceId: z.string(),
    brandId: z.string(),
    serial: z.string(),
    keyVersion: z.number().int(),
    claimed: z.boolean(),
    settings: SettingsSchema,
    openOrders: z.array(z.object({ orderId: z.string(), status: z.enum(ORDER_STATUSES) })),
    lastPressAt: epochMs.nullable(),
    batteryMv: z.number().int().nullable(),
    createdAt: epochMs,
    test: z.boolean().openapi({ description: 'a test button: its presses make TEST orders' }),
  })
  .openapi('Button');
export const ButtonPage = paged(ButtonSchema, 'ButtonPage');

const NextNeedSchema = z
  .object({
    usualIntervalDays: z.number().int(),
    basis: z.enum(['household', 'brand']),
    lastOrderAt: epochMs,
    nextAt: epochMs,
  })
  .openapi('NextNeed', {
    description:
      'usually every N days, next around nextAt (from the household’s own delivered orders, or the brand’s usual interval)',
  });

export const HouseholdButtonSchema = ButtonSchema.extend({
  rhythm: z
    .record(
      z.string(),
      z.object({ orderedAt: z.array(epochMs), lastCancelledAt: epochMs.nullable() }),
    )
    .openapi({ description: 'what was learned from the household’s own orders, per SKU' }),
  nextNeed: NextNeedSchema.nullable(),
}).openapi('HouseholdButton');
export const HouseholdButtonPage = paged(HouseholdButtonSchema, 'HouseholdButtonPage');

export const TermsSchema = z
  .object({
    deviceId: z.string(),
    skuId: z.string(),
    skuName: z.string(),
    quantity: z.number().int(),
    unitPriceCents: cents,
    currency: z.string(),
    priceIncreaseLimitPct: z.number(),
    acceptedPriceCents: cents.nullable(),
    wording: z.object({ en: z.string(), fr: z.string() }),
  })
  .openapi('Terms', {
    description:
      'what a press orders, at what price, and that it places an order with an obligation to pay',
  });

export const AcceptTermsSchema = z
  .object({ priceCents: cents.openapi({ description: 'the unit price the household was shown' }) })
  .openapi('AcceptTerms');

export const SupportButtonSchema = ButtonSchema.extend({
  householdId: z.string().nullable(),
  highWaterMark: z.number().int(),
}).openapi('SupportButton');

export const RegisterBatchSchema = z
  .object({
    keyVersion: z.number().int().min(1).max(65535).default(1),
    buttons: z
      .array(z.object({ deviceId: DeviceId, serial: nonEmpty(64) }))
      .min(1)
      .max(100)
      .refine((list) => new Set(list.map((b) => b.deviceId)).size === list.length, {
        message: 'device ids must be unique',
      }),
  })
  .openapi('RegisterBatch');

export const RegisteredBatchSchema = z
  .object({
    keyVersion: z.number().int(),
    buttons: z.array(
      z.object({
        deviceId: z.string(),
        serial: z.string(),
        claimCode: z.string().openapi({ description: 'shown once; only its hash is stored' }),
      }),
    ),
  })
  .openapi('RegisteredBatch');

export const BindSkuSchema = z.object({ skuId: SkuId }).openapi('BindSku');
export const ClaimSchema = z.object({ claimCode: nonEmpty(64) }).openapi('Claim');
export const UnbindSchema = z.object({ reason: nonEmpty(500) }).openapi('Unbind');

// --- Orders ---------------------------------------------------------------------------------

const ActorSchema = z.object({
  kind: z.enum(['household', 'brand', 'support', 'device', 'system']),
  id: z.string(),
});

const OrderGuardSchema = z
  .object({
    reason: z.enum(GUARD_REASONS),
    usualIntervalDays: z.number().int().nullable(),
    daysSinceLast: z.number().int().nullable(),
  })
  .openapi('OrderGuard', {
    description: 'why the accidental-order guard held or flagged the order',
  });

export const DiscountSchema = z
  .object({
    kind: z.literal('WELCOME_CREDIT'),
    amount: cents,
    currency: z.string(),
    campaign: z.string().nullable().optional(),
  })
  .openapi('Discount', { description: 'taken off the order’s value (set when it is delivered)' });

export const OrderSchema = z
  .object({
    orderId: z.string(),
    deviceId: z.string(),
    seq: z.number().int(),
    householdId: z.string(),
    brandId: z.string(),
    skuId: z.string(),
    skuName: z.string(),
    quantity: z.number().int(),
    unitPriceCents: cents,
    currency: z.string(),
    acceptedPriceCents: cents.nullable(),
    status: z.enum(ORDER_STATUSES),
    placedAt: epochMs,
    cancelDeadline: epochMs,
    history: z.array(
      z.object({
        status: z.enum(ORDER_STATUSES),
        at: epochMs,
        actor: ActorSchema,
        reason: z.string().optional(),
      }),
    ),
    guard: OrderGuardSchema.nullable().optional(),
    discount: DiscountSchema.nullable().optional(),
    test: z
      .boolean()
      .optional()
      .openapi({ description: 'true for a sandbox (TEST) order: never fulfilled or invoiced' }),
  })
  .openapi('Order');
export const OrderPage = paged(OrderSchema, 'OrderPage');

export const BrandOrdersQuery = PageQuery.extend({
  status: z.enum(ORDER_STATUSES).openapi({
    description:
      'PLACED and NEEDS_CONFIRMATION orders are still the household’s to cancel or confirm and ' +
      'are in no brand list: orders enter the brand’s lists when their cancel window closes ' +
      '(CONFIRMED) or they end (CANCELLED, EXPIRED)',
  }),
});

export const FulfilmentItemSchema = OrderSchema.extend({
  shipTo: z
    .object({ name: z.string(), address: z.string() })
    .nullable()
    .openapi({ description: 'null once the household erased its account' }),
}).openapi('FulfilmentItem');
export const FulfilmentPage = paged(FulfilmentItemSchema, 'FulfilmentPage');

export const CancelSchema = z.object({ reason: nonEmpty(500).optional() }).openapi('Cancel');
export const SupportCancelSchema = z.object({ reason: nonEmpty(500) }).openapi('SupportCancel');

export const BULK_CANCEL_MAX = 50;

export const SupportBulkCancelSchema = z
  .object({
    orderIds: z
      .array(OrderId)
      .min(1)
      .max(BULK_CANCEL_MAX)
      .refine((ids) => new Set(ids).size === ids.length, { message: 'order ids must be unique' }),
    reason: nonEmpty(500),
  })
  .openapi('SupportBulkCancel');

export const SupportBulkCancelResultSchema = z
  .object({
    results: z.array(
      z.object({
        orderId: z.string(),
        status: z.enum(ORDER_STATUSES).optional(),
        error: z.object({ code: z.string(), message: z.string() }).optional(),
      }),
    ),
  })
  .openapi('SupportBulkCancelResult', {
    description:
      'one result per order, in the order asked: its new status or why it was not cancelled',
  });

export const BrandTotalsSchema = z
  .object({
    brandId: z.string(),
    orders: z.number().int(),
    units: z.number().int(),
    revenueCents: z.record(z.string(), cents).openapi({
      description: 'delivered, shipped and confirmed orders, by currency',
    }),
    byStatus: z.record(z.enum(ORDER_STATUSES), z.number().int()),
  })
  .openapi('BrandTotals');

const Day = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/)
  .openapi({ example: '2026-11-23', description: 'a UTC day' });

export const InsightQuery = z.object({
  from: Day.optional().openapi({ description: 'first day (default: 29 days before `to`)' }),
  to: Day.optional().openapi({ description: 'last day (default: today)' }),
});

export const BrandInsightSchema = z
  .object({
    brandId: z.string(),
    from: Day,
    to: Day,
    days: z
      .array(
        z.object({
          day: Day,
          skuId: z.string(),
          orders: z.number().int(),
          cancelled: z.number().int(),
        }),
      )
      .openapi({
        description: 'orders placed per day per SKU and how many of them were cancelled',
      }),
    skus: z.array(
      z.object({
        skuId: z.string(),
        orders: z.number().int(),
        cancelled: z.number().int(),
        cancellationRate: z.number(),
        accidental: z.number().int().openapi({
          description:
            'orders undone before they were confirmed (cancelled in the window, declined)',
        }),
        accidentalRate: z.number(),
      }),
    ),
    rfm: z.object({
      segments: z.array(
        z.object({
          name: z.enum(RFM_SEGMENTS),
          households: z.number().int(),
          share: z.number(),
          spendCents: z.record(z.string(), z.number().int()),
        }),
      ),
      households: z.number().int(),
      method: z.string(),
    }),
    cohorts: z.array(
      z.object({
        claimMonth: z.string().regex(/^\d{4}-\d{2}$/),
        claimed: z.number().int(),
        retained: z.array(z.number()).openapi({
          description: 'share of the cohort that bought in month k after the claim month',
        }),
      }),
    ),
  })
  .openapi('BrandInsight');

export const PressLogEntrySchema = z
  .object({
    deviceId: z.string(),
    seq: z.number().int().nullable(),
    click: z.enum(CLICK_TYPES).nullable(),
    outcome: z.enum(OUTCOMES),
    reason: z.enum([...Object.values(RejectReason), ...GUARD_REASONS, 'DUPLICATE']).nullable(),
    orderId: z.string().nullable(),
    receivedAt: epochMs,
    batteryMv: z.number().int().nullable(),
    attempt: z.number().int().nullable(),
  })
  .openapi('PressLogEntry');
export const PressLogPage = paged(PressLogEntrySchema, 'PressLogPage');

// --- Households -----------------------------------------------------------------------------

export const ProfileInputSchema = z
  .object({
    name: nonEmpty(200),
    email: z.email().max(320),
    address: nonEmpty(1000),
  })
  .openapi('ProfileInput');

export const HouseholdSchema = z
  .object({
    householdId: z.string(),
    name: z.string(),
    email: z.string(),
    address: z.string(),
    createdAt: epochMs,
  })
  .openapi('Household');

export const NotificationSchema = z
  .object({
    householdId: z.string(),
    notificationId: z.string(),
    at: epochMs,
    kind: z.string(),
    orderId: z.string().nullable(),
    message: z.string(),
    texts: z
      .object({ en: z.string(), fr: z.string() })
      .optional()
      .openapi({ description: 'the message in each console language' }),
  })
  .openapi('Notification');
export const NotificationPage = paged(NotificationSchema, 'NotificationPage');

/** E-mail, or a phone number in E.164 for SMS; the reference at the channel stays internal. */
export const SubscriptionInputSchema = z
  .discriminatedUnion('protocol', [
    z.object({ protocol: z.literal('email'), endpoint: z.email().max(320) }),
    z.object({
      protocol: z.literal('sms'),
      endpoint: z
        .string()
        .regex(/^\+[1-9][0-9]{6,14}$/, 'a phone number in E.164, e.g. +4915112345678'),
    }),
  ])
  .openapi('SubscriptionInput');

export const SubscriptionSchema = z
  .object({
    subscriptionId: z.string(),
    protocol: z.enum(SUBSCRIPTION_PROTOCOLS),
    endpoint: z.string(),
    createdAt: epochMs,
  })
  .openapi('Subscription');
export const SubscriptionList = z
  .object({ items: z.array(SubscriptionSchema) })
  .openapi('SubscriptionList');

export const ExportSchema = z
  .object({
    household: HouseholdSchema.nullable(),
    guardSettings: HouseholdGuardSchema,
    buttons: z.array(HouseholdButtonSchema),
    orders: z.array(OrderSchema),
    notifications: z.array(NotificationSchema),
    subscriptions: z.array(SubscriptionSchema),
  })
  .openapi('HouseholdExport');

export const ErasureSchema = z
  .object({
    anonymousId: z.string(),
    ordersCancelled: z.number().int(),
    ordersAnonymised: z.number().int(),
    buttonsReleased: z.number().int(),
    notificationsDeleted: z.number().int(),
    subscriptionsDeleted: z.number().int(),
  })
  .openapi('ErasureSummary');

export const SupportHouseholdSchema = z
  .object({ household: HouseholdSchema, buttons: z.array(SupportButtonSchema) })
  .openapi('SupportHousehold');

// --- Support --------------------------------------------------------------------------------

export const AuditEntrySchema = z
  .object({
    auditId: z.string(),
    at: epochMs,
    actor: ActorSchema,
    action: z.string(),
    subject: z.string(),
    reason: z.string().nullable(),
  })
  .openapi('AuditEntry');
export const AuditPage = paged(AuditEntrySchema, 'AuditPage');

export const HealthSchema = z.object({ status: z.literal('ok') }).openapi('Health');

// --- Webhooks -------------------------------------------------------------------------------
export const WebhookEndpointId = identifier(64);
export const WebhookDeliveryId = z
  .string()
  .min(1)
  .max(200)
  .regex(/^[A-Za-z0-9_.-]+$/);

export const NewWebhookEndpointSchema = z
  .object({
    url: z
      .string()
      .url()
      .max(2048)
      .refine((u) => u.startsWith('https://'), 'webhook endpoints must use https'),
    eventTypes: z.array(z.enum(WEBHOOK_EVENT_TYPES)).min(1),
  })
  .openapi('NewWebhookEndpoint');

export const WebhookEndpointSchema = z
  .object({
    endpointId: z.string(),
    url: z.string(),
    eventTypes: z.array(z.enum(WEBHOOK_EVENT_TYPES)),
    createdAt: epochMs,
  })
  .openapi('WebhookEndpoint');

export const WebhooksSchema = z
  .object({
    endpoints: z.array(WebhookEndpointSchema),
    secret: z
      .object({
        secretId: z.string(),
        createdAt: epochMs,
        previousSecretId: z.string().nullable(),
        previousUntil: epochMs.nullable(),
      })
      .nullable()
      .openapi({ description: 'which secrets sign now (never the secrets themselves)' }),
  })
  .openapi('Webhooks');

export const WebhookSecretSchema = z
  .object({
    secretId: z.string(),
    secret: z.string().openapi({ description: 'shown once; store it in the receiver' }),
    previousSecretId: z.string().nullable(),
    previousUntil: epochMs.nullable().openapi({
      description: 'until then the previous secret signs as well',
    }),
  })
  .openapi('WebhookSecret');

export const WebhookDeliverySchema = z
  .object({
    deliveryId: z.string(),
    endpointId: z.string(),
    url: z.string(),
    eventId: z.string(),
    eventType: z.enum(WEBHOOK_EVENT_TYPES),
    status: z.enum(['PENDING', 'DELIVERED', 'DEAD']),
    attempts: z.number().int(),
    createdAt: epochMs,
    nextAttemptAt: epochMs,
    lastAttemptAt: epochMs.nullable(),
    lastError: z.string().nullable(),
    deliveredAt: epochMs.nullable(),
    deadAt: epochMs.nullable(),
  })
  .openapi('WebhookDelivery');
export const WebhookDeliveryPage = paged(WebhookDeliverySchema, 'WebhookDeliveryPage');
