/**
 * Turns a per-device configuration file (written by fleet provisioning) into the flash files
 * the firmware reads. Secrets go to flash only: never into the bundle, never to the console.
 */

import { configProblem, type DeviceConfig } from '../src/config.ts';
import { C } from '../src/constants.ts';

/** The JSON file's shape: the device config plus its certificates as PEM text. */
export interface DeviceConfigFile extends DeviceConfig {
  certificates?: { ca?: string; cert?: string; key?: string };
}

export interface FlashFile {
  /** Storage file name on the chip. */
  name: string;
  /** Binary string (one char per byte), as Espruino's Storage holds it. */
  content: string;
}

export class ConfigFileError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConfigFileError';
  }
}

/** Espruino's TLS takes certificates as DER bytes: the PEM body, base64-decoded. */
export function pemToDer(pem: string, what: string): string {
  const match = /-----BEGIN [A-Z0-9 ]+-----([\s\S]+?)-----END [A-Z0-9 ]+-----/.exec(pem);
  if (!match?.[1]) throw new ConfigFileError(`certificates.${what}: not PEM text`);
  return Buffer.from(match[1].replace(/\s+/g, ''), 'base64').toString('latin1');
}

/**
 * Provisioning cannot know the household's Wi-Fi, so its files carry none; `npm run flash`
 * takes it from flags (or setup mode changes it later on the button).
 */
export function withWifi(
  raw: unknown,
  wifi: { ssid?: string | undefined; password?: string | undefined },
) {
  if (wifi.ssid === undefined || typeof raw !== 'object' || raw === null) return raw;
  return {
    ...raw,
    wifi: { ...(raw as DeviceConfigFile).wifi, ssid: wifi.ssid, password: wifi.password ?? '' },
  };
}

export function flashFiles(raw: unknown): FlashFile[] {
  const problem = configProblem(raw);
  if (problem !== null) throw new ConfigFileError(problem);
  const file = raw as DeviceConfigFile;
  const config: DeviceConfig = {
    device: file.device,
    kv: file.kv,
    secret: file.secret,
    broker: { host: file.broker.host, port: file.broker.port, tls: file.broker.tls },
    username: file.username,
    password: file.password,
    wifi: {
      ssid: file.wifi.ssid,
      password: file.wifi.password,
      ip: file.wifi.ip,
      gw: file.wifi.gw,
      netmask: file.wifi.netmask,
    },
    setupPassword: file.setupPassword,
  };
  const files: FlashFile[] = [{ name: C.FILES.CONFIG, content: JSON.stringify(config) }];
  const certs = file.certificates ?? {};
  if (file.broker.tls) {
    if (!certs.cert || !certs.key) {
      throw new ConfigFileError('certificates.cert and certificates.key are required with tls');
    }
    files.push({ name: C.FILES.CERT, content: pemToDer(certs.cert, 'cert') });
    files.push({ name: C.FILES.KEY, content: pemToDer(certs.key, 'key') });
    if (certs.ca) files.push({ name: C.FILES.CA, content: pemToDer(certs.ca, 'ca') });
  }
  return files;
}
