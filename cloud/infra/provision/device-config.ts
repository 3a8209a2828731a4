/**
 * The per-device configuration file that `npm run flash` takes. It holds the device secret
 * and the TLS private key, so it is written owner-readable only and never committed.
 * Wi-Fi credentials are not known at provisioning time: `npm run flash -- --wifi-ssid …` adds
 * them (or setup mode on the button). The certificate fields are the ones flash reads.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { BrokerAddress, DeviceCredentials, DeviceIdentity } from './ports.ts';

export interface ProvisionedDeviceConfig {
  /** Thing name = MQTT client id = device id in every signed message. */
  device: string;
  kv: number;
  /** The derived per-device HMAC key, lowercase hex. */
  secret: string;
  broker: BrokerAddress & { tls: true };
  certificates: { ca: string; cert: string; key: string };
  brand: string;
  serial: string;
  certificateId: string;
  issuer: string;
}

export function deviceConfig(args: {
  device: DeviceIdentity;
  keyVersion: number;
  secretHex: string;
  broker: BrokerAddress;
  credentials: DeviceCredentials;
  issuer: string;
}): ProvisionedDeviceConfig {
  return {
    device: args.device.deviceId,
    kv: args.keyVersion,
    secret: args.secretHex,
    broker: { host: args.broker.host, port: args.broker.port, tls: true },
    certificates: {
      ca: args.credentials.caPem,
      cert: args.credentials.certificatePem,
      key: args.credentials.privateKeyPem,
    },
    brand: args.device.brandId,
    serial: args.device.serial,
    certificateId: args.credentials.certificateId,
    issuer: args.issuer,
  };
}

export async function writeDeviceConfig(dir: string, config: ProvisionedDeviceConfig) {
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const path = join(dir, `${config.device}.json`);
  // wx: never overwrite a config whose key material may already be on a button.
  await writeFile(path, `${JSON.stringify(config, null, 2)}\n`, { mode: 0o600, flag: 'wx' });
  return path;
}
