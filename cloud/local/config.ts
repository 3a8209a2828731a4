/**
 * The local stack's settings: flags win over environment variables, which win over defaults.
 * Every error names the flag or variable to fix.
 */
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { LocalConfigError } from '../dev/errors.ts';

export interface StackConfig {
  host: string;
  dataDir: string;
  /** 0 picks a free port (tests); the banner and stack.json say which. */
  mqttPort: number;
  mqttTlsPort: number;
  httpPort: number;
  tableName: string;
  /** Unset: dynalite on disk in the data folder. A URL: DynamoDB Local or any endpoint. 'aws': AWS. */
  dynamodbEndpoint: string | undefined;
  sweepIntervalMs: number;
  seedDemo: boolean;
}

export const DEFAULTS = {
  host: '127.0.0.1',
  dataDir: '.restock',
  mqttPort: 1883,
  mqttTlsPort: 8883,
  httpPort: 8787,
  tableName: 'restock',
  sweepIntervalMs: 10_000,
} as const;

/** Flag → environment variable, as documented in the README. */
export const ENV = {
  host: 'RESTOCK_HOST',
  dataDir: 'RESTOCK_DATA_DIR',
  mqttPort: 'RESTOCK_MQTT_PORT',
  mqttTlsPort: 'RESTOCK_MQTTS_PORT',
  httpPort: 'RESTOCK_HTTP_PORT',
  tableName: 'RESTOCK_TABLE',
  sweepIntervalMs: 'RESTOCK_SWEEP_INTERVAL_MS',
  seedDemo: 'RESTOCK_DEMO',
  dynamodbEndpoint: 'DYNAMODB_ENDPOINT',
} as const;

export const STACK_USAGE = `Usage: npm start -- [options]

  --data-dir DIR        data folder (env RESTOCK_DATA_DIR, default .restock)
  --host HOST           address to listen on (env RESTOCK_HOST, default 127.0.0.1)
  --mqtt-port N         plain MQTT port (env RESTOCK_MQTT_PORT, default 1883; 0 = any free port)
  --mqtts-port N        mutual-TLS MQTT port (env RESTOCK_MQTTS_PORT, default 8883)
  --http-port N         HTTP API port (env RESTOCK_HTTP_PORT, default 8787)
  --table NAME          DynamoDB table (env RESTOCK_TABLE, default restock)
  --sweep-interval-ms N cancel-window sweep period (env RESTOCK_SWEEP_INTERVAL_MS, default 10000)
  --no-demo             do not create demo data on first start (env RESTOCK_DEMO=0)
  DYNAMODB_ENDPOINT     use DynamoDB Local (a URL) or AWS ('aws', with the usual AWS variables)
                        instead of dynalite in the data folder`;

export function parseStackConfig(
  argv: readonly string[],
  env: Record<string, string | undefined>,
  cwd: string,
): StackConfig {
  let values: Record<string, string | boolean | undefined>;
  try {
    ({ values } = parseArgs({
      args: [...argv],
      options: {
        'data-dir': { type: 'string' },
        host: { type: 'string' },
        'mqtt-port': { type: 'string' },
        'mqtts-port': { type: 'string' },
        'http-port': { type: 'string' },
        table: { type: 'string' },
        'sweep-interval-ms': { type: 'string' },
        'no-demo': { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
      strict: true,
      allowPositionals: false,
    }));
  } catch (error) {
    throw new LocalConfigError(`${(error as Error).message}\n\n${STACK_USAGE}`, {}, error);
  }
  if (values.help) throw new LocalConfigError(STACK_USAGE, { help: true });
  const pick = (flag: string, key: keyof typeof ENV): { value: string; from: string } | null => {
    const fromFlag = values[flag];
    if (typeof fromFlag === 'string') return { value: fromFlag, from: `--${flag}` };
    const fromEnv = env[ENV[key]];
    if (fromEnv !== undefined && fromEnv !== '') return { value: fromEnv, from: ENV[key] };
    return null;
  };
  const port = (flag: string, key: keyof typeof ENV, fallback: number): number => {
    const given = pick(flag, key);
    if (!given) return fallback;
    const n = Number(given.value);
    if (!Number.isInteger(n) || n < 0 || n > 65535) {
      throw new LocalConfigError(
        `${given.from} must be a port number 0-65535, got "${given.value}"`,
      );
    }
    return n;
  };
  const interval = pick('sweep-interval-ms', 'sweepIntervalMs');
  const sweepIntervalMs = interval ? Number(interval.value) : DEFAULTS.sweepIntervalMs;
  if (!Number.isInteger(sweepIntervalMs) || sweepIntervalMs < 100) {
    throw new LocalConfigError(`${interval?.from} must be a whole number of milliseconds ≥ 100`);
  }
  const endpoint = env[ENV.dynamodbEndpoint];
  const demoEnv = env[ENV.seedDemo];
  return {
    host: pick('host', 'host')?.value ?? DEFAULTS.host,
    dataDir: resolve(cwd, pick('data-dir', 'dataDir')?.value ?? DEFAULTS.dataDir),
    mqttPort: port('mqtt-port', 'mqttPort', DEFAULTS.mqttPort),
    mqttTlsPort: port('mqtts-port', 'mqttTlsPort', DEFAULTS.mqttTlsPort),
    httpPort: port('http-port', 'httpPort', DEFAULTS.httpPort),
    tableName: pick('table', 'tableName')?.value ?? DEFAULTS.tableName,
    dynamodbEndpoint: endpoint === undefined || endpoint === '' ? undefined : endpoint,
    sweepIntervalMs,
    seedDemo: values['no-demo'] !== true && demoEnv !== '0' && demoEnv !== 'false',
  };
}
