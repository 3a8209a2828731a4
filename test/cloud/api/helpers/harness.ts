/**
 * The API wired to a fresh dynalite table with the real press pipeline and order service, a
 * manual clock and the local token issuer — so route tests drive orders created by presses.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import { createApiApp } from '../../../../cloud/api/app.ts';
import { dynamoApiStores } from '../../../../cloud/api/stores.ts';
import { LocalIssuer } from '../../../../cloud/core/auth/local-issuer.ts';
import type { Role } from '../../../../cloud/core/model.ts';
import type { DynaliteServer } from '../../../../cloud/store/dynamo/dynalite-server.ts';
import { ensureTable, openTable, type Table } from '../../../../cloud/store/dynamo/table.ts';
import { dynamoUnderTest } from '../../../helpers/stores.ts';
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

let tables = 0;

export class ApiHarness {
  private constructor(
    readonly table: Table,
    readonly world: World,
    readonly issuer: LocalIssuer,
    readonly app: ReturnType<typeof createApiApp>,
    private readonly keyDir: string,
  ) {}

  static async open(server: DynaliteServer): Promise<ApiHarness> {
    tables++;
    const table = openTable({
      tableName: `api-test-${process.pid}-${tables}`,
      endpoint: server.endpoint,
    });
    await ensureTable(table);
    const world = new World(dynamoUnderTest(table));
    const keyDir = await mkdtemp(join(tmpdir(), 'restock-api-keys-'));
    const issuer = await LocalIssuer.open(keyDir, world.clock);
    let ids = 0;
    const app = createApiApp({
      stores: dynamoApiStores(table),
      orderService: world.orders,
      clock: world.clock,
      keySource: world.keys,
      tokens: issuer.verifier(),
      log: world.log,
      newId: () => `id-${String(++ids).padStart(6, '0')}`,
    });
    return new ApiHarness(table, world, issuer, app, keyDir);
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

  /** Every item in the table, sorted by key: "nothing changed" is checked on this. */
  async snapshot(): Promise<Record<string, unknown>[]> {
    const items: Record<string, unknown>[] = [];
    let start: Record<string, unknown> | undefined;
    do {
      const page = await this.table.doc.send(
        new ScanCommand({ TableName: this.table.name, ExclusiveStartKey: start }),
      );
      items.push(...(page.Items ?? []));
      start = page.LastEvaluatedKey;
    } while (start);
    return items.sort((a, b) => `${a.pk}|${a.sk}`.localeCompare(`${b.pk}|${b.sk}`));
  }

  async close(): Promise<void> {
    this.table.raw.destroy();
    await rm(this.keyDir, { recursive: true, force: true });
  }
}

export { START };
