/**
 * Firmware images, rollouts and device settings, for two callers: a brand on its own fleet
 * (`/v1/brand/…`, the brand is the token's tenant) and an operator on any brand's fleet
 * (`/v1/support/brands/{brandId}/…`, the support role; every call audited before it runs).
 * Both run the same handlers; a rollout, button or image of another brand is a 404.
 */
import { createRoute, type OpenAPIHono, z } from '@hono/zod-openapi';
import type { Context } from 'hono';
import { NotFoundError } from '../../core/errors.ts';
import { checkDeviceSettings } from '../../core/fleet/device-settings-bounds.ts';
import type { Actor } from '../../core/model.ts';
import type { DeviceSettings } from '../../core/ota/ports.ts';
import type { Rollout } from '../../core/rollouts/model.ts';
import type { Rollouts } from '../../core/rollouts/rollouts.ts';
import type { OtaStores } from '../deps.ts';
import type { ApiEnv } from '../env.ts';
import { RequestValidationError } from '../http-errors.ts';
import { bearer, body, errorResponses, json } from '../openapi.ts';
import {
  DeviceSettingsSchema,
  DeviceSettingsStateSchema,
  FirmwareImageSchema,
  FirmwareVersion,
  NewRolloutSchema,
  RolloutId,
  RolloutMemberPage,
  RolloutPage,
  RolloutSchema,
} from '../rollout-schemas.ts';
import { DeviceId, PageQuery, SkuId } from '../schemas.ts';
import type { Services } from '../services.ts';

type Ctx = Context<ApiEnv>;
/** Handlers read validated input through `input`: the route's schemas checked it already. */
type Handler = (c: Ctx, scope: Scope) => Promise<Response>;

interface Scope {
  tag: 'brand' | 'support';
  prefix: string;
  params: Record<string, z.ZodType>;
  brandOf(c: Ctx): string;
  actor(c: Ctx): Actor;
  /** Operators' calls go to the audit trail before they run. */
  audit(c: Ctx, action: string, subject: string): Promise<void>;
}

const BrandId = z
  .string()
  .regex(/^[A-Za-z0-9_-]{1,64}$/)
  .openapi({ example: 'acme' });

const input = <T>(c: Ctx, target: 'json' | 'param' | 'query') =>
  (c.req.valid as (t: string) => unknown)(target) as T;

export function rolloutRoutes(
  app: OpenAPIHono<ApiEnv>,
  s: Services,
  rollouts: Rollouts,
  ota: OtaStores,
): void {
  const { stores } = s.deps;
  const scopes: Scope[] = [
    {
      tag: 'brand',
      prefix: '/v1/brand',
      params: {},
      brandOf: (c) => c.get('principal').tenant,
      actor: (c) => ({ kind: 'brand', id: c.get('principal').tenant }),
      audit: async () => {},
    },
    {
      tag: 'support',
      prefix: '/v1/support/brands/{brandId}',
      params: { brandId: BrandId },
      brandOf: (c) => input<{ brandId: string }>(c, 'param').brandId,
      actor: (c) => ({ kind: 'support', id: c.get('principal').subject }),
      audit: (c, action, subject) => s.audit(c, action, subject, null),
    },
  ];

  function route(
    scope: Scope,
    spec: {
      method: 'get' | 'post' | 'put';
      path: string;
      summary: string;
      params?: Record<string, z.ZodType>;
      query?: z.ZodObject;
      json?: z.ZodType;
      binary?: boolean;
      response: [number, z.ZodType, string];
    },
    handler: Handler,
  ): void {
    const params = { ...scope.params, ...spec.params };
    const [status, schema, description] = spec.response;
    const request = {
      ...(Object.keys(params).length > 0 ? { params: z.object(params) } : {}),
      ...(spec.query ? { query: spec.query } : {}),
      ...(spec.json ? body(spec.json) : {}),
      ...(spec.binary
        ? {
            body: {
              required: true,
              content: {
                'application/octet-stream': { schema: z.string().openapi({ format: 'binary' }) },
              },
            },
          }
        : {}),
    };
    app.openapi(
      createRoute({
        tags: [scope.tag],
        security: bearer,
        method: spec.method,
        path: `${scope.prefix}${spec.path}`,
        summary: spec.summary,
        request,
        responses: { [status]: json(schema, description), ...errorResponses },
      }),
      ((c: Ctx) => handler(c, scope)) as never,
    );
  }

  const rolloutOf = (c: Ctx) => input<{ rolloutId: string }>(c, 'param').rolloutId;
  const withTally = async (rollout: Rollout) => ({
    ...rollout,
    tally: await stores.rollouts.tally(rollout.rolloutId),
  });

  for (const scope of scopes) {
    const brandOf = scope.brandOf;

    route(
      scope,
      {
        method: 'put',
        path: '/firmware/{fw}',
        summary: 'Upload a firmware image (raw bytes) under its version',
        params: { fw: FirmwareVersion },
        binary: true,
        response: [201, FirmwareImageSchema, 'the stored image'],
      },
      async (c) => {
        const { fw } = input<{ fw: number }>(c, 'param');
        await scope.audit(c, 'firmware.upload', `firmware:${brandOf(c)}/${fw}`);
        const bytes = new Uint8Array(await c.req.arrayBuffer());
        if (bytes.length === 0) throw new RequestValidationError('the image is empty');
        return c.json(await ota.firmware.put(brandOf(c), fw, bytes), 201);
      },
    );

    route(
      scope,
      {
        method: 'get',
        path: '/firmware/{fw}',
        summary: 'Read an uploaded image’s size, SHA-256 and stream',
        params: { fw: FirmwareVersion },
        response: [200, FirmwareImageSchema, 'the image'],
      },
      async (c) => {
        const { fw } = input<{ fw: number }>(c, 'param');
        await scope.audit(c, 'firmware.read', `firmware:${brandOf(c)}/${fw}`);
        const image = await ota.firmware.get(brandOf(c), fw);
        if (!image) throw new NotFoundError('firmware', String(fw));
        return c.json(image, 200);
      },
    );

    route(
      scope,
      {
        method: 'post',
        path: '/rollouts',
        summary: 'Start a staged rollout of an uploaded image to a share of the fleet',
        json: NewRolloutSchema,
        response: [201, RolloutSchema, 'the rollout, its first stage assigned'],
      },
      async (c) => {
        const request = input<z.infer<typeof NewRolloutSchema>>(c, 'json');
        await scope.audit(c, 'rollout.create', `brand:${brandOf(c)}`);
        const rollout = await rollouts.create({
          brandId: brandOf(c),
          fw: request.fw,
          plan: {
            stages: request.stages,
            autoWiden:
              request.autoWidenSuccessPct === undefined
                ? null
                : { successPct: request.autoWidenSuccessPct },
            abort: { failurePct: request.failurePct, minFinished: request.minFinished },
          },
          by: scope.actor(c),
        });
        return c.json(await withTally(rollout), 201);
      },
    );

    route(
      scope,
      {
        method: 'get',
        path: '/rollouts',
        summary: 'List rollouts, newest first',
        query: PageQuery,
        response: [200, RolloutPage, 'a page of rollouts'],
      },
      async (c) => {
        await scope.audit(c, 'rollout.list', `brand:${brandOf(c)}`);
        const page = input<{ limit: number; cursor?: string }>(c, 'query');
        return c.json(await stores.rollouts.listRollouts(brandOf(c), page), 200);
      },
    );

    route(
      scope,
      {
        method: 'get',
        path: '/rollouts/{rolloutId}',
        summary: 'Read a rollout with its buttons counted by state',
        params: { rolloutId: RolloutId },
        response: [200, RolloutSchema, 'the rollout'],
      },
      async (c) => {
        await scope.audit(c, 'rollout.read', `rollout:${rolloutOf(c)}`);
        return c.json(await withTally(await rollouts.get(rolloutOf(c), brandOf(c))), 200);
      },
    );

    route(
      scope,
      {
        method: 'get',
        path: '/rollouts/{rolloutId}/buttons',
        summary: 'List the rollout’s buttons and where each stands',
        params: { rolloutId: RolloutId },
        query: PageQuery,
        response: [200, RolloutMemberPage, 'a page of buttons by device id'],
      },
      async (c) => {
        await scope.audit(c, 'rollout.buttons', `rollout:${rolloutOf(c)}`);
        const rollout = await rollouts.get(rolloutOf(c), brandOf(c));
        const page = input<{ limit: number; cursor?: string }>(c, 'query');
        const members = await stores.rollouts.listMembers(rollout.rolloutId, page);
        return c.json(
          {
            items: members.items.map(({ rolloutId: _r, ...member }) => member),
            cursor: members.cursor,
          },
          200,
        );
      },
    );

    const actions = {
      widen: 'Widen to the next stage now',
      pause: 'Pause: assign no more buttons (reports keep counting, abort still applies)',
      resume: 'Resume a paused rollout',
      abort: 'Abort: withdraw every assignment no button has started',
    } as const;
    for (const [action, summary] of Object.entries(actions) as [keyof typeof actions, string][]) {
      route(
        scope,
        {
          method: 'post',
          path: `/rollouts/{rolloutId}/${action}`,
          summary,
          params: { rolloutId: RolloutId },
          response: [200, RolloutSchema, 'the rollout after the change'],
        },
        async (c) => {
          const rolloutId = rolloutOf(c);
          await scope.audit(c, `rollout.${action}`, `rollout:${rolloutId}`);
          const rollout =
            action === 'abort'
              ? await rollouts.abort(rolloutId, brandOf(c), scope.actor(c))
              : await rollouts[action](rolloutId, brandOf(c));
          return c.json(await withTally(rollout), 200);
        },
      );
    }

    const settingsOf = async (c: Ctx) => {
      const { deviceId } = input<{ deviceId: string }>(c, 'param');
      const button = await s.fleet.get(deviceId, { brandId: brandOf(c) });
      const desired = await ota.deviceSettings.getDesired(deviceId);
      return {
        deviceId,
        desired,
        reported: { cfg: button.settingsVersion ?? null, fw: button.firmware ?? null },
      };
    };

    route(
      scope,
      {
        method: 'get',
        path: '/buttons/{deviceId}/device-settings',
        summary: 'Read a button’s desired settings and what it last reported',
        params: { deviceId: DeviceId },
        response: [200, DeviceSettingsStateSchema, 'desired and reported settings'],
      },
      async (c) => {
        await scope.audit(
          c,
          'settings.read',
          `button:${input<{ deviceId: string }>(c, 'param').deviceId}`,
        );
        return c.json(hidePasswords(await settingsOf(c)), 200);
      },
    );

    route(
      scope,
      {
        method: 'put',
        path: '/buttons/{deviceId}/device-settings',
        summary:
          'Set what the button applies at its next wake (a Wi-Fi network without `pass` keeps the stored one)',
        params: { deviceId: DeviceId },
        json: DeviceSettingsSchema,
        response: [200, DeviceSettingsStateSchema, 'desired and reported settings'],
      },
      async (c) => {
        const { deviceId } = input<{ deviceId: string }>(c, 'param');
        await scope.audit(c, 'settings.change', `button:${deviceId}`);
        await s.fleet.get(deviceId, { brandId: brandOf(c) });
        const requested = input<z.infer<typeof DeviceSettingsSchema>>(c, 'json');
        const previous = await ota.deviceSettings.getDesired(deviceId);
        const settings = keepPasswords(requested, previous?.settings);
        checkDeviceSettings(settings);
        await ota.deviceSettings.setDesired(deviceId, settings);
        return c.json(hidePasswords(await settingsOf(c)), 200);
      },
    );

    route(
      scope,
      {
        method: 'put',
        path: '/device-settings',
        summary: 'Set the same settings on every button of the fleet (or of one SKU)',
        query: z.object({ skuId: SkuId.optional() }),
        json: DeviceSettingsSchema,
        response: [200, FleetSettingsResultSchema, 'how many buttons were given the settings'],
      },
      async (c) => {
        await scope.audit(c, 'settings.fleet', `brand:${brandOf(c)}`);
        const settings = keepPasswords(
          input<z.infer<typeof DeviceSettingsSchema>>(c, 'json'),
          undefined,
        );
        checkDeviceSettings(settings);
        const { skuId } = input<{ skuId?: string }>(c, 'query');
        let updated = 0;
        let cursor: string | undefined;
        do {
          const page = await stores.buttons.listBrandButtons(brandOf(c), { limit: 100, cursor });
          for (const button of page.items) {
            if (skuId !== undefined && button.settings.skuId !== skuId) continue;
            await ota.deviceSettings.setDesired(button.deviceId, settings);
            updated++;
          }
          cursor = page.cursor;
        } while (cursor);
        return c.json({ updated }, 200);
      },
    );
  }
}

const FleetSettingsResultSchema = z
  .object({ updated: z.number().int() })
  .openapi('FleetSettingsResult');

/** Wi-Fi passwords go to the button, never back out of the API. */
function hidePasswords<T extends { desired: { settings: DeviceSettings } | null }>(state: T): T {
  if (!state.desired?.settings.wifi) return state;
  const wifi = state.desired.settings.wifi.map(({ ssid }) => ({ ssid }));
  return {
    ...state,
    desired: { ...state.desired, settings: { ...state.desired.settings, wifi } },
  } as T;
}

/** A network sent without `pass` keeps the one stored for that SSID (the API never shows it). */
function keepPasswords(
  requested: z.infer<typeof DeviceSettingsSchema>,
  stored: DeviceSettings | undefined,
): DeviceSettings {
  const { wifi: _wifi, ...rest } = requested;
  if (!requested.wifi) return rest;
  const wifi = requested.wifi.map((network) => {
    if (network.pass !== undefined) return { ssid: network.ssid, pass: network.pass };
    const known = stored?.wifi?.find((old) => old.ssid === network.ssid);
    if (!known) throw new RequestValidationError(`wifi network ${network.ssid} needs its pass`);
    return { ssid: network.ssid, pass: known.pass };
  });
  return { ...rest, wifi };
}
