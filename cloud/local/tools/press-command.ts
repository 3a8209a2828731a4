/**
 * `npm run press -- <device> [--click single|double|long] [--repeat N] [--tls] [--aws]`:
 * the virtual button from the command line. Locally the device key comes from the data folder's
 * master key (as provisioning would derive it) and the ports from the running stack's
 * stack.json; with --aws it connects to AWS IoT Core with the device certificate.
 */
import { access } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import {
  CLICK_TYPES,
  type ClickType,
  deriveDeviceKey,
  isDeviceId,
  mqttPasswordFor,
  type Outcome,
} from '#shared/index';
import { RestockError } from '../../core/errors.ts';
import { BATTERY } from '../../core/health/battery.ts';
import { nodeSha256 } from '../../core/sha256.ts';
import { devCaDir, ensureDevCa, ensureDeviceCertificate } from '../../dev/dev-ca.ts';
import { LocalConfigError } from '../../dev/errors.ts';
import { readTextIfExists } from '../../dev/files.ts';
import { MASTER_KEY_FILE, parseMasterKeyFile } from '../../dev/master-key-file.ts';
import { DEFAULTS, ENV } from '../config.ts';
import { RUNTIME_FILE, type RuntimeInfo } from '../stack.ts';
import { connectAwsTransport, connectLocalTransport } from './button-transport.ts';
import {
  type ButtonTransport,
  FileButtonStateStore,
  type PressReport,
  VirtualButton,
} from './virtual-button.ts';

export const PRESS_USAGE = `Usage: npm run press -- <device> [options]

  --click single|double|long  click type (default single)
  --repeat N                  press N times, one after the other (default 1)
  --tls                       connect with the device certificate (mutual TLS) instead of a password
  --data-dir DIR              the stack's data folder (env RESTOCK_DATA_DIR, default .restock)
  --host HOST                 broker address (default: from the running stack, else 127.0.0.1)
  --port N / --tls-port N     broker ports (default: from the running stack, else 1883 / 8883)
  --battery MV                battery millivolts to report (default ${BATTERY.HEALTHY_MV}; low below ${BATTERY.LOW_MV})
  --timeout MS                wait this long for each ack before re-sending (default 5000)
  --attempts N                attempts per press in this run (default 3)
  --key-version N             key version of the device key (default 1)
  --aws                       connect to AWS IoT Core instead, with:
      --endpoint HOST         the account's ATS endpoint (aws iot describe-endpoint --endpoint-type iot:Data-ATS)
      --cert FILE --key FILE  the device certificate and private key from provisioning
      --ca FILE               CA bundle (optional; the system store is used otherwise)
      env RESTOCK_DEVICE_KEY  the device's signing key (64 hex characters) from provisioning`;

export interface PressIo {
  out(line: string): void;
  err(line: string): void;
}

export interface PressCommandOptions {
  deviceId: string;
  click: ClickType;
  repeat: number;
  tls: boolean;
  aws: boolean;
  dataDir: string;
  host: string | undefined;
  port: number | undefined;
  tlsPort: number | undefined;
  batteryMv: number;
  timeoutMs: number;
  attempts: number;
  keyVersion: number;
  endpoint: string | undefined;
  cert: string | undefined;
  key: string | undefined;
  ca: string | undefined;
}

export function parsePressArgs(
  argv: readonly string[],
  env: Record<string, string | undefined>,
  cwd: string,
): PressCommandOptions {
  let parsed: ReturnType<typeof parse>;
  const parse = (args: string[]) =>
    parseArgs({
      args,
      options: {
        click: { type: 'string', short: 'c' },
        repeat: { type: 'string', short: 'n' },
        tls: { type: 'boolean' },
        aws: { type: 'boolean' },
        'data-dir': { type: 'string' },
        host: { type: 'string' },
        port: { type: 'string' },
        'tls-port': { type: 'string' },
        battery: { type: 'string' },
        timeout: { type: 'string' },
        attempts: { type: 'string' },
        'key-version': { type: 'string' },
        endpoint: { type: 'string' },
        cert: { type: 'string' },
        key: { type: 'string' },
        ca: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
      strict: true,
      allowPositionals: true,
    });
  try {
    parsed = parse([...argv]);
  } catch (error) {
    throw new LocalConfigError(`${(error as Error).message}\n\n${PRESS_USAGE}`, {}, error);
  }
  const { values, positionals } = parsed;
  if (values.help) throw new LocalConfigError(PRESS_USAGE, { help: true });
  const deviceId = positionals[0];
  if (deviceId === undefined || positionals.length > 1) {
    throw new LocalConfigError(
      `name exactly one device, e.g. npm run press -- demo-1\n\n${PRESS_USAGE}`,
    );
  }
  if (!isDeviceId(deviceId)) {
    throw new LocalConfigError(`"${deviceId}" is not a thing name (1-48 of A-Z a-z 0-9 _ -)`);
  }
  const click = (values.click ?? 'single').toUpperCase();
  if (!(CLICK_TYPES as readonly string[]).includes(click)) {
    throw new LocalConfigError(`--click must be single, double or long, got "${values.click}"`);
  }
  const int = (
    flag: string,
    raw: string | undefined,
    fallback: number,
    min: number,
    max: number,
  ) => {
    if (raw === undefined) return fallback;
    const n = Number(raw);
    if (!Number.isInteger(n) || n < min || n > max) {
      throw new LocalConfigError(
        `--${flag} must be a whole number from ${min} to ${max}, got "${raw}"`,
      );
    }
    return n;
  };
  const aws = values.aws === true;
  if (aws && (!values.endpoint || !values.cert || !values.key)) {
    throw new LocalConfigError(
      '--aws needs --endpoint, --cert and --key (and RESTOCK_DEVICE_KEY in the environment)',
    );
  }
  return {
    deviceId,
    click: click as ClickType,
    repeat: int('repeat', values.repeat, 1, 1, 10_000),
    tls: values.tls === true,
    aws,
    dataDir: resolve(cwd, values['data-dir'] ?? env[ENV.dataDir] ?? DEFAULTS.dataDir),
    host: values.host,
    port: values.port === undefined ? undefined : int('port', values.port, 0, 1, 65535),
    tlsPort:
      values['tls-port'] === undefined
        ? undefined
        : int('tls-port', values['tls-port'], 0, 1, 65535),
    batteryMv: int('battery', values.battery, BATTERY.HEALTHY_MV, 0, 10_000),
    timeoutMs: int('timeout', values.timeout, 5_000, 50, 600_000),
    attempts: int('attempts', values.attempts, 3, 1, 1000),
    keyVersion: int('key-version', values['key-version'], 1, 1, 65535),
    endpoint: values.endpoint,
    cert: values.cert,
    key: values.key,
    ca: values.ca,
  };
}

const NEXT: Record<Outcome, string> = {
  ORDERED: 'cancel it within the window with --click long',
  IN_PROGRESS: 'an order from this button is still open (cancel it with --click long)',
  CANCELLED: 'the latest open order of this button is cancelled',
  NEEDS_CONFIRMATION: 'the price changed (or a first order needs it): confirm the order in the API',
  OUT_OF_STOCK: 'the brand has marked the SKU out of stock',
  UNBOUND: 'claim the button for a household and bind a SKU in the API first',
  REJECTED: 'the stack log (npm start) says why',
};

export async function runPressCommand(
  argv: readonly string[],
  env: Record<string, string | undefined>,
  cwd: string,
  io: PressIo,
): Promise<number> {
  let options: PressCommandOptions;
  try {
    options = parsePressArgs(argv, env, cwd);
  } catch (error) {
    if (error instanceof LocalConfigError && error.details.help) {
      io.out(error.message);
      return 0;
    }
    io.err(`press: ${(error as Error).message}`);
    return 2;
  }
  let transport: ButtonTransport | undefined;
  try {
    const { key, connect } = options.aws
      ? await awsSetup(options, env)
      : await localSetup(options, env);
    transport = await connect();
    const button = new VirtualButton({
      deviceId: options.deviceId,
      deviceKey: key,
      keyVersion: options.keyVersion,
      sha256: nodeSha256,
      transport,
      state: FileButtonStateStore.inDataDir(options.dataDir),
      ackTimeoutMs: options.timeoutMs,
      maxAttempts: options.attempts,
      onEvent: (event) => {
        if (event.kind === 'attempt' && event.attempt > 1) {
          io.err(`  no ack yet: re-sending press ${event.seq} (attempt ${event.attempt})`);
        }
        if (event.kind === 'ignored-ack') io.err(`  ignored: ${event.why}`);
      },
    });
    await button.start();
    const pending = await button.pending();
    if (pending) {
      io.out(
        `${options.deviceId}: re-sending press ${pending.seq} (${pending.click}) that got no ack before`,
      );
      io.out(describe(options.deviceId, (await button.resendPending()) as PressReport));
    }
    for (let i = 0; i < options.repeat; i++) {
      const report = await button.press(options.click, options.batteryMv);
      io.out(describe(options.deviceId, report));
      if (i === options.repeat - 1) io.out(`  next: ${NEXT[report.outcome]}`);
    }
    return 0;
  } catch (error) {
    io.err(`press: ${error instanceof RestockError ? error.message : String(error)}`);
    return 1;
  } finally {
    await transport?.close().catch(() => undefined);
  }
}

function describe(deviceId: string, report: PressReport): string {
  const order = report.orderId ? `, order ${report.orderId}` : '';
  return `${deviceId} press ${report.seq} ${report.click} → ${report.outcome}${order} (attempt ${report.attempt}, ${report.latencyMs} ms, ack signature verified)`;
}

async function localSetup(options: PressCommandOptions, env: Record<string, string | undefined>) {
  const { dataDir, deviceId } = options;
  const masterPath = join(dataDir, MASTER_KEY_FILE);
  const text = await readTextIfExists(masterPath);
  if (text === null) {
    throw new LocalConfigError(
      `no master key in ${dataDir}: start the stack first (npm start), or pass the --data-dir it uses`,
    );
  }
  const master = parseMasterKeyFile(text, masterPath).keys.get(options.keyVersion);
  if (!master) {
    throw new LocalConfigError(
      `the data folder has no master key version ${options.keyVersion}: check --key-version`,
    );
  }
  const key = deriveDeviceKey(nodeSha256, master, deviceId, options.keyVersion);
  const runtime = await readRuntime(dataDir);
  const host = options.host ?? runtime?.host ?? DEFAULTS.host;
  if (options.tls) {
    const port =
      options.tlsPort ??
      envPort(env, ENV.mqttTlsPort) ??
      runtime?.mqttTlsPort ??
      DEFAULTS.mqttTlsPort;
    await access(join(devCaDir(dataDir), 'ca.crt')).catch(() => {
      throw new LocalConfigError(
        `no development CA in ${dataDir}: start the stack first (npm start)`,
      );
    });
    const ca = await ensureDevCa(dataDir);
    const cert = await ensureDeviceCertificate(dataDir, ca, deviceId);
    return {
      key,
      connect: () =>
        connectLocalTransport({
          url: `mqtts://${host}:${port}`,
          clientId: deviceId,
          tls: { caCertPem: ca.caCertPem, certPem: cert.certPem, keyPem: cert.keyPem },
          reconnectMs: 1_000,
        }),
    };
  }
  const port = options.port ?? envPort(env, ENV.mqttPort) ?? runtime?.mqttPort ?? DEFAULTS.mqttPort;
  return {
    key,
    connect: () =>
      connectLocalTransport({
        url: `mqtt://${host}:${port}`,
        clientId: deviceId,
        username: deviceId,
        password: mqttPasswordFor(nodeSha256, key),
        reconnectMs: 1_000,
      }),
  };
}

async function awsSetup(options: PressCommandOptions, env: Record<string, string | undefined>) {
  const hex = env.RESTOCK_DEVICE_KEY ?? '';
  if (!/^[0-9a-fA-F]{64}$/.test(hex)) {
    throw new LocalConfigError(
      'set RESTOCK_DEVICE_KEY to the device signing key from provisioning (64 hex characters); it is read from the environment so it never appears in the shell history',
    );
  }
  return {
    key: new Uint8Array(Buffer.from(hex, 'hex')),
    connect: () =>
      connectAwsTransport({
        endpoint: options.endpoint as string,
        clientId: options.deviceId,
        certPath: options.cert as string,
        keyPath: options.key as string,
        ...(options.ca ? { caPath: options.ca } : {}),
      }),
  };
}

function envPort(env: Record<string, string | undefined>, name: string): number | undefined {
  const raw = env[name];
  if (raw === undefined || raw === '') return undefined;
  const n = Number(raw);
  return Number.isInteger(n) && n > 0 && n < 65536 ? n : undefined;
}

async function readRuntime(dataDir: string): Promise<RuntimeInfo | null> {
  const text = await readTextIfExists(join(dataDir, RUNTIME_FILE));
  if (text === null) return null;
  try {
    return JSON.parse(text) as RuntimeInfo;
  } catch {
    return null;
  }
}
