/**
 * The API wired to a fresh table (the in-memory one unless a test passes a DynamoDB one) with
 * the real press pipeline and order service, the outbox relay feeding household notifications,
 * a manual clock and the local token issuer — so
 * route tests drive orders created by presses.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createApiApp } from '../../../../cloud/api/app.ts';
import type { OtaStores } from '../../../../cloud/api/deps.ts';
import { LocalIssuer } from '../../../../cloud/core/auth/local-issuer.ts';
import {
  type ButtonEventSink,
  drainButtonEvents,
  fanOutButtonEvents,
} from '../../../../cloud/core/events/button-events.ts';
import { FleetHealth } from '../../../../cloud/core/health/fleet-health.ts';
import { StatsCounter } from '../../../../cloud/core/insight/brand-stats.ts';
import { HouseholdInsight } from '../../../../cloud/core/insight/household-insight.ts';
import type { Role } from '../../../../cloud/core/model.ts';
import { HouseholdNotifier } from '../../../../cloud/core/notifications/notify.ts';
import { silentLog } from '../../../../cloud/core/ports.ts';
import { WebhookEnqueuer } from '../../../../cloud/core/webhooks/webhooks.ts';
import { recordedSubscriptions } from '../../../../cloud/local/subscriptions.ts';
import { memoryOtaStores } from '../../../helpers/ota-stores.ts';
import { memoryUnderTest, type StoreUnderTest } from '../../../helpers/stores.ts';
import { START, type VirtualDevice, World } from '../../../helpers/world.ts';

export interface Reply {
  status: number;
  // biome-ignore lint/suspicious/noExplicitAny: parsed JSON; the tests' assertions check its shape
  body: any;
  headers: Headers;
}

export interface CallOptions {
  token?: string | undefined;
  body?: unknown;
  headers?: Record<string, string>;
}

export class ApiHarness {
  private constructor(
    private readonly store: StoreUnderTest,
    readonly world: World,
    readonly issuer: LocalIssuer,
    readonly app: ReturnType<typeof createApiApp>,
    private readonly keyDir: string,
    /** Firmware images, update assignments and device settings the API runs on. */
    readonly ota: OtaStores,
    /** Fleet health as the relay and the sweep keep it. */
    readonly health: FleetHealth,
    private readonly buttonEventSink: ButtonEventSink,
  ) {}

  static async open(store: StoreUnderTest = memoryUnderTest()): Promise<ApiHarness> {
    const clock = { now: () => world.clock.now() };
    const health = new FleetHealth(store.api, clock, silentLog);
    const insight = new HouseholdInsight(store.api.activity);
    const webhooks = new WebhookEnqueuer(store.api.webhooks, clock);
    const world: World = new World(store, {
      sinks: [
        new StatsCounter(store.api.stats),
        health,
        insight,
        webhooks,
        new HouseholdNotifier(store.api.notifications),
      ],
    });
    const keyDir = await mkdtemp(join(tmpdir(), 'restock-api-keys-'));
    const issuer = await LocalIssuer.open(keyDir, world.clock);
    let ids = 0;
    const ota = memoryOtaStores();
    const app = createApiApp({
      ota,
      stores: store.api,
      orderService: world.orders,
      // Through the world, so the outbox is drained after each press as for a real one.
      presses: { handle: (event) => world.handle(event) },
      clock: world.clock,
      keySource: world.keys,
      tokens: issuer.verifier(),
      subscriptions: recordedSubscriptions,
      log: world.log,
      newId: () => `id-${String(++ids).padStart(6, '0')}`,
    });
    const buttonEventSink = fanOutButtonEvents([health, insight, webhooks]);
    return new ApiHarness(store, world, issuer, app, keyDir, ota, health, buttonEventSink);
  }

  /** Publishes the button events waiting in the store, as the stack's relay loop does. */
  publishButtonEvents(): Promise<number> {
    return drainButtonEvents(this.store.api.buttonEvents, this.buttonEventSink);
  }

  private readonly devices = new Map<string, VirtualDevice>();

  /** The same virtual device each time, so its sequence counter keeps going. */
  device(deviceId: string): VirtualDevice {
    let device = this.devices.get(deviceId);
    if (!device) {
      device = this.world.device(deviceId);
      this.devices.set(deviceId, device);
    }
    return device;
  }

  get clock() {
    return this.world.clock;
  }

  token(role: Role, tenant?: string): Promise<string> {
    return this.issuer.sign(tenant === undefined ? { role } : { role, tenant });
  }

  /** A correctly signed token that expired an hour ago. */
  async expiredToken(role: Role, tenant?: string): Promise<string> {
    const past = await LocalIssuer.open(this.keyDir, { now: () => this.clock.now() - 7_200_000 });
    return past.sign(
      tenant === undefined ? { role, ttlSeconds: 3600 } : { role, tenant, ttlSeconds: 3600 },
    );
  }

  /** The right claims signed by a key the API does not trust. */
  async foreignToken(role: Role, tenant?: string): Promise<string> {
    const dir = await mkdtemp(join(tmpdir(), 'restock-api-foreign-'));
    try {
      const foreign = await LocalIssuer.open(dir, this.clock);
      return await foreign.sign(tenant === undefined ? { role } : { role, tenant });
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }

  /** An unsigned token (`alg: none`) with otherwise valid claims. */
  unsignedToken(role: Role, tenant?: string): string {
    const now = Math.floor(this.clock.now() / 1000);
    const part = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
    const claims: Record<string, unknown> = {
      'custom:role': role,
      iss: 'restock-local',
      aud: 'restock-api',
      sub: `${role}:${tenant ?? 'staff'}`,
      iat: now,
      exp: now + 3600,
    };
    if (tenant !== undefined) claims['custom:tenant'] = tenant;
    return `${part({ alg: 'none', typ: 'JWT' })}.${part(claims)}.`;
  }

  async call(method: string, path: string, options: CallOptions = {}): Promise<Reply> {
    const headers: Record<string, string> = { ...options.headers };
    if (options.token) headers.Authorization = `Bearer ${options.token}`;
    if (options.body !== undefined) headers['Content-Type'] = 'application/json';
    const response = await this.app.request(path, {
      method,
      headers,
      body: options.body === undefined ? undefined : JSON.stringify(options.body),
    });
    const text = await response.text();
    return {
      status: response.status,
      body: text ? JSON.parse(text) : null,
      headers: response.headers,
    };
  }

  /** Every item in the table, in key order: "nothing changed" is checked on this. */
  snapshot(): Promise<unknown[]> {
    return this.store.snapshot();
  }

  async close(): Promise<void> {
    await this.store.close();
    await rm(this.keyDir, { recursive: true, force: true });
  }
}

export { START };
