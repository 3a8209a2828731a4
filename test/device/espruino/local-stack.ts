/**
 * The real local stack (`npm start`'s broker with its device policy and mutual TLS, topic
 * rule, press pipeline on dynalite, HTTP API) on free ports in a temporary data folder, and
 * buttons set up the way people do it: the brand registers and binds one over HTTP, the demo
 * household claims it with its claim code, gives it a second action and lets it order without
 * a confirmation step (every test button orders the same coffee for the same household). Each button's flash
 * configuration is the file `npm run flash` takes.
 */
import { mqttPasswordFor, toHex } from '#shared/index';
import { LocalIssuer } from '../../../cloud/core/auth/local-issuer.ts';
import { systemClock } from '../../../cloud/core/ports.ts';
import { nodeSha256 } from '../../../cloud/core/sha256.ts';
import { ensureDeviceCertificate } from '../../../cloud/dev/dev-ca.ts';
import { DEMO } from '../../../cloud/local/demo.ts';
import { localPipeline } from '../../../cloud/local/pipeline.ts';
import { type RunningStack, startStack } from '../../../cloud/local/stack.ts';
import type { DeviceConfigFile } from '../../../device/scripts/flash-config.ts';
import { quietLog, stackConfig, tempDir } from '../../e2e/support.ts';

export interface StackOrder {
  seq: number;
  skuId: string;
  status: string;
}

export interface StackPress {
  seq: number | null;
  click: string | null;
  outcome: string;
  attempt: number | null;
}

export interface ButtonOptions {
  tls: boolean;
  /** Where the button's broker is, when not the stack's own port (a proxy, a dead port). */
  host?: string;
  port?: number;
}

export interface LocalStack {
  stack: RunningStack;
  newButton(options: ButtonOptions): Promise<DeviceConfigFile>;
  orders(deviceId: string): Promise<StackOrder[]>;
  /** The support press log, oldest first: every press the pipeline answered. */
  presses(deviceId: string): Promise<StackPress[]>;
  close(): Promise<void>;
}

let counter = 0;

export async function startLocalStack(): Promise<LocalStack> {
  const data = await tempDir();
  const dataDir = data.dir;
  const stack = await startStack(stackConfig(dataDir), {
    log: quietLog(),
    pipeline: localPipeline,
  });
  const issuer = await LocalIssuer.open(dataDir, systemClock);
  const tokens = {
    brand: await issuer.sign({ role: 'brand', tenant: DEMO.brandId }),
    household: await issuer.sign({ role: 'household', tenant: DEMO.householdId }),
    support: await issuer.sign({ role: 'support' }),
  };
  const api = async (role: keyof typeof tokens, method: string, path: string, body?: unknown) => {
    const response = await fetch(`http://127.0.0.1:${stack.runtime.httpPort}${path}`, {
      method,
      headers: { authorization: `Bearer ${tokens[role]}`, 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const json = (await response.json()) as Record<string, unknown>;
    if (!response.ok)
      throw new Error(`${method} ${path}: ${response.status} ${JSON.stringify(json)}`);
    return json;
  };

  return {
    stack,
    async newButton(options) {
      const device = `chip-${process.pid}-${++counter}`;
      const batch = await api('brand', 'POST', '/v1/brand/buttons', {
        keyVersion: 1,
        buttons: [{ deviceId: device, serial: `SN-${device}` }],
      });
      const { claimCode } = (batch.buttons as { claimCode: string }[])[0] as { claimCode: string };
      await api('brand', 'PUT', `/v1/brand/buttons/${device}/sku`, { skuId: 'coffee-1kg' });
      await api('household', 'POST', '/v1/household/claims', { claimCode });
      // Every test button orders coffee for the same household: no early-reorder guard, and
      // no confirmation of the first order (a claim asks for one until the household opts out).
      await api('household', 'PATCH', `/v1/household/buttons/${device}/settings`, {
        secondAction: { skuId: 'filters-100', quantity: 1 },
        learnRhythm: false,
        confirmFirstOrder: false,
      });
      const key = (await stack.keySource.deviceKey(device, 1)) as Uint8Array;
      const config: DeviceConfigFile = {
        device,
        kv: 1,
        secret: toHex(key),
        broker: {
          host: options.host ?? '127.0.0.1',
          port: options.port ?? (options.tls ? stack.runtime.mqttTlsPort : stack.runtime.mqttPort),
          tls: options.tls,
        },
        wifi: { ssid: 'home', password: 'wifi-password' },
      };
      if (!options.tls) {
        config.username = device;
        config.password = mqttPasswordFor(nodeSha256, key);
        return config;
      }
      const cert = await ensureDeviceCertificate(dataDir, stack.ca, device);
      config.certificates = { ca: stack.ca.caCertPem, cert: cert.certPem, key: cert.keyPem };
      return config;
    },
    async orders(deviceId) {
      const page = await api('household', 'GET', '/v1/household/orders?limit=100');
      return (page.items as (StackOrder & { deviceId: string })[])
        .filter((o) => o.deviceId === deviceId)
        .map((o) => ({ seq: o.seq, skuId: o.skuId, status: o.status }))
        .sort((a, b) => a.seq - b.seq);
    },
    async presses(deviceId) {
      const page = await api('support', 'GET', `/v1/support/buttons/${deviceId}/presses?limit=100`);
      return (page.items as (StackPress & { receivedAt: number })[])
        .sort((a, b) => a.receivedAt - b.receivedAt)
        .map((p) => ({ seq: p.seq, click: p.click, outcome: p.outcome, attempt: p.attempt }));
    },
    async close() {
      await stack.close();
      await data.remove();
    },
  };
}

/**
 * What `read` returns once `done` holds (reports travel button → broker → store
 * asynchronously), or as it stands after 15 s.
 */
export async function readWhen<T>(
  read: () => Promise<T | null>,
  done: (value: T) => boolean,
): Promise<T | null> {
  let now = await read();
  for (let i = 0; i < 150 && !(now && done(now)); i++) {
    await new Promise((resolve) => setTimeout(resolve, 100));
    now = await read();
  }
  return now;
}
