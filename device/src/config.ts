import { fromHex, isDeviceId, MAX_KEY_VERSION } from '#shared/index';
import { C } from './constants.ts';
import type { FileStore } from './queue.ts';

/**
 * One button's settings. Written to flash by the flashing step from a per-device JSON file
 * (and partly by setup mode); never compiled into the bundle.
 */
export interface DeviceConfig {
  device: string;
  kv: number;
  /** The per-device HMAC key, lowercase hex. */
  secret: string;
  broker: { host: string; port: number; tls: boolean };
  username?: string | undefined;
  password?: string | undefined;
  wifi: {
    ssid: string;
    password: string;
    ip?: string | undefined;
    gw?: string | undefined;
    netmask?: string | undefined;
  };
  /** WPA2 password of the setup access point; open when absent. */
  setupPassword?: string | undefined;
}

/** What setup mode may change, kept in its own file so the flashed config stays intact. */
export interface NetOverrides {
  wifi?: { ssid: string; password: string };
  broker?: { host: string; port: number };
}

function isText(value: unknown, max: number): boolean {
  return typeof value === 'string' && value.length > 0 && value.length <= max;
}

function isPort(value: unknown): boolean {
  return typeof value === 'number' && Math.floor(value) === value && value > 0 && value < 65536;
}

/** Returns the first problem, naming the field but never its value (values may be secrets). */
export function configProblem(raw: unknown): string | null {
  if (typeof raw !== 'object' || raw === null) return 'config must be an object';
  const c = raw as DeviceConfig;
  if (!isDeviceId(c.device)) return 'device: 1-48 characters of A-Z a-z 0-9 _ -';
  if (typeof c.kv !== 'number' || Math.floor(c.kv) !== c.kv || c.kv < 1 || c.kv > MAX_KEY_VERSION)
    return 'kv: an integer from 1';
  if (typeof c.secret !== 'string' || c.secret.length < 32 || fromHex(c.secret) === null)
    return 'secret: at least 16 bytes as lowercase hex';
  if (typeof c.broker !== 'object' || c.broker === null) return 'broker: missing';
  if (!isText(c.broker.host, 253)) return 'broker.host: missing';
  if (!isPort(c.broker.port)) return 'broker.port: 1-65535';
  if (typeof c.broker.tls !== 'boolean') return 'broker.tls: true or false';
  if (c.username !== undefined && !isText(c.username, 128)) return 'username: 1-128 characters';
  if (c.password !== undefined && !isText(c.password, 256)) return 'password: 1-256 characters';
  if (typeof c.wifi !== 'object' || c.wifi === null) return 'wifi: missing';
  if (!isText(c.wifi.ssid, 32)) return 'wifi.ssid: 1-32 characters';
  if (typeof c.wifi.password !== 'string' || c.wifi.password.length > 64)
    return 'wifi.password: up to 64 characters';
  if (c.setupPassword !== undefined && (!isText(c.setupPassword, 63) || c.setupPassword.length < 8))
    return 'setupPassword: 8-63 characters';
  return null;
}

function readJson(store: FileStore, name: string): unknown {
  const raw = store.readFile(name);
  if (!raw) return undefined;
  try {
    return JSON.parse(raw);
  } catch (_error) {
    return undefined;
  }
}

/** The flashed config with setup mode's overrides applied; null when missing or invalid. */
export function loadConfig(store: FileStore): DeviceConfig | null {
  const config = readJson(store, C.FILES.CONFIG) as DeviceConfig | undefined;
  if (!config || typeof config !== 'object') return null;
  const net = readJson(store, C.FILES.NET) as NetOverrides | undefined;
  // No optional chaining in device code (Espruino lacks it): read the overrides one by one.
  const wifi = net ? net.wifi : undefined;
  const broker = net ? net.broker : undefined;
  if (wifi) config.wifi = Object.assign({}, config.wifi, wifi);
  if (broker) config.broker = Object.assign({}, config.broker, broker);
  return configProblem(config) === null ? config : null;
}
