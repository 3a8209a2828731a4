/** Response shapes of the fleet-health route (the brand console reads exactly these). */
import { z } from '@hono/zod-openapi';
import { BATTERY_METHOD } from '../core/health/battery.ts';
import { PageQuery } from './schemas.ts';

const epochMs = z.number().int().openapi({ description: 'epoch milliseconds' });

export const HEALTH_STATUSES = ['ok', 'replace_soon', 'silent', 'low_battery'] as const;

export const ButtonHealthSchema = z
  .object({
    deviceId: z.string(),
    skuId: z.string().nullable(),
    batteryMv: z.number().int().nullable().openapi({ description: 'the newest reading' }),
    batteryTrendMvPerPress: z
      .number()
      .nullable()
      .openapi({ description: 'fitted mV change per press (negative while draining)' }),
    pressesLeft: z.number().int().nullable(),
    daysLeft: z.number().int().nullable(),
    lastPressAt: epochMs.nullable(),
    silentSinceDays: z.number().int().optional(),
    firmware: z
      .number()
      .int()
      .optional()
      .openapi({ description: 'the firmware version contract-v2 presses report' }),
    keyVersion: z.number().int().nullable(),
    claimed: z.boolean(),
    status: z.enum(HEALTH_STATUSES),
  })
  .openapi('ButtonHealth');

export const FleetHealthSchema = z
  .object({
    buttons: z.array(ButtonHealthSchema),
    replaceSoon: z.array(z.string()).openapi({
      description: 'device ids on this page with a low battery or few presses/days left',
    }),
    method: z.string().openapi({ description: BATTERY_METHOD }),
    cursor: z.string().optional().openapi({ description: 'pass back for the next page' }),
  })
  .openapi('FleetHealth');

export const HealthQuery = PageQuery;
