/** Schemas of the firmware, rollout and device-settings routes (brand and operator alike). */
import { z } from '@hono/zod-openapi';
import { DEVICE_SETTINGS_BOUNDS, SECOND_ACTIONS } from '../core/fleet/device-settings-bounds.ts';
import { ROLLOUT_STATUSES, UPDATE_STATES } from '../core/rollouts/model.ts';

const epochMs = z.number().int().nonnegative().openapi({ description: 'epoch milliseconds' });
const percent = (description: string) => z.number().int().min(0).max(100).openapi({ description });

export const FirmwareVersion = z.coerce
  .number()
  .int()
  .min(1)
  .max(2 ** 31 - 1)
  .openapi({ example: 42, description: 'firmware version the image reports once running' });
export const RolloutId = z
  .string()
  .regex(/^ro_[A-Za-z0-9]{1,40}$/)
  .openapi({ example: 'ro_3f2a9c1d0e4b' });

export const FirmwareImageSchema = z
  .object({
    fw: z.number().int(),
    size: z.number().int(),
    sha256: z.string(),
    block: z.number().int(),
    stream: z.string(),
    createdAt: z.string(),
  })
  .openapi('FirmwareImage');

export const NewRolloutSchema = z
  .object({
    fw: FirmwareVersion,
    stages: z
      .array(z.number().int().min(1).max(100))
      .min(1)
      .max(10)
      .openapi({
        example: [10, 50, 100],
        description: 'cumulative percent of the fleet per stage',
      }),
    autoWidenSuccessPct: percent(
      'widen by itself once every button of a stage finished and this share switched; omit to widen by hand',
    ).optional(),
    failurePct: z.number().int().min(1).max(100).openapi({
      example: 20,
      description: 'abort once failed/finished reaches this percent…',
    }),
    minFinished: z
      .number()
      .int()
      .min(1)
      .max(100_000)
      .openapi({ example: 10, description: '…counted from this many finished buttons on' }),
  })
  .openapi('NewRollout');

const tally = z.object(
  Object.fromEntries(
    [...UPDATE_STATES, 'cancelled'].map((state) => [state, z.number().int()]),
  ) as Record<(typeof UPDATE_STATES)[number] | 'cancelled', z.ZodNumber>,
);

export const RolloutSchema = z
  .object({
    rolloutId: z.string(),
    brandId: z.string(),
    fw: z.number().int(),
    plan: z.object({
      stages: z.array(z.number().int()),
      autoWiden: z.object({ successPct: z.number() }).nullable(),
      abort: z.object({ failurePct: z.number(), minFinished: z.number().int() }),
    }),
    fleetSize: z.number().int(),
    stage: z.number().int().openapi({ description: 'index into plan.stages' }),
    status: z.enum(ROLLOUT_STATUSES),
    assigned: z.number().int(),
    abortReason: z
      .object({
        code: z.enum(['FAILURE_THRESHOLD', 'ABORTED_BY_USER']),
        failures: z.number().int(),
        finished: z.number().int(),
        by: z.object({ kind: z.string(), id: z.string() }),
      })
      .nullable(),
    createdAt: epochMs,
    updatedAt: epochMs,
    tally: tally.optional().openapi({ description: 'members by state (single rollout only)' }),
  })
  .openapi('Rollout');

export const RolloutPage = z
  .object({ items: z.array(RolloutSchema), cursor: z.string().optional() })
  .openapi('RolloutPage');

export const RolloutMemberSchema = z
  .object({
    deviceId: z.string(),
    stage: z.number().int(),
    state: z.enum([...UPDATE_STATES, 'cancelled']),
    reason: z.string().optional(),
    block: z.number().int().optional(),
    assignedAt: epochMs,
    updatedAt: epochMs,
  })
  .openapi('RolloutMember');

export const RolloutMemberPage = z
  .object({ items: z.array(RolloutMemberSchema), cursor: z.string().optional() })
  .openapi('RolloutMemberPage');

const { led, doubleMs, longMs, ssid, pass, wifi } = DEVICE_SETTINGS_BOUNDS;

export const DeviceSettingsSchema = z
  .object({
    led: z.number().int().min(led.min).max(led.max).optional(),
    doubleMs: z.number().int().min(doubleMs.min).max(doubleMs.max).optional(),
    longMs: z.number().int().min(longMs.min).max(longMs.max).optional(),
    double: z.enum(SECOND_ACTIONS).optional(),
    longCancels: z.boolean().optional(),
    wifi: z
      .array(
        z.object({
          ssid: z.string().min(ssid.min).max(ssid.max),
          pass: z
            .union([z.literal(''), z.string().min(pass.min).max(pass.max)])
            .optional()
            .openapi({ description: 'omit to keep the stored one; never returned' }),
        }),
      )
      .max(wifi.max)
      .optional(),
  })
  .strict()
  .openapi('DeviceSettings');

export const DeviceSettingsStateSchema = z
  .object({
    deviceId: z.string(),
    desired: z
      .object({ version: z.number().int(), settings: DeviceSettingsSchema })
      .nullable()
      .openapi({ description: 'what the button applies at its next wake' }),
    reported: z
      .object({ cfg: z.number().int().nullable(), fw: z.number().int().nullable() })
      .openapi({ description: 'settings version and firmware the button last reported' }),
  })
  .openapi('DeviceSettingsState');
