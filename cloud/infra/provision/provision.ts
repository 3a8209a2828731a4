/**
 * Provisions a batch of buttons for one brand: for each button, an identity at the broker
 * (thing + certificate), a registration under the brand, and a flashable configuration with
 * the device secret derived from the master key. Devices are done one at a time so a failure
 * leaves every earlier device complete and reports the one that failed.
 */
import { createHash, randomBytes } from 'node:crypto';
import { deriveDeviceKey, isDeviceId, isIdentifier, toHex } from '#shared/index';
import { deviceConfig, type ProvisionedDeviceConfig } from './device-config.ts';
import { ProvisioningError } from './errors.ts';
import type { ButtonRegistry, CertificateIssuer, DeviceIdentity, MasterKey } from './ports.ts';

export const MAX_BATCH = 1000;

const nodeSha256 = (data: Uint8Array) => new Uint8Array(createHash('sha256').update(data).digest());

/** `btn-` and 16 hex characters: 64 random bits, well within the 48-character thing name. */
export function randomDeviceId(): string {
  return `btn-${randomBytes(8).toString('hex')}`;
}

export interface ProvisionBatchOptions {
  brandId: string;
  count: number;
  issuer: CertificateIssuer;
  registry: ButtonRegistry;
  masterKey: MasterKey;
  /** Receives each finished configuration (the CLI writes it to a file) and its claim code. */
  output: (config: ProvisionedDeviceConfig, claimCode: string) => Promise<void>;
  newDeviceId?: () => string;
  now?: () => number;
}

export async function provisionBatch(
  options: ProvisionBatchOptions,
): Promise<ProvisionedDeviceConfig[]> {
  const { brandId, count, issuer, registry, masterKey, output } = options;
  if (!isIdentifier(brandId, 48)) {
    throw new ProvisioningError('brand id: 1-48 characters of A-Z a-z 0-9 _ -', { brandId });
  }
  if (!Number.isInteger(count) || count < 1 || count > MAX_BATCH) {
    throw new ProvisioningError(`count: an integer from 1 to ${MAX_BATCH}`, { count });
  }
  const newDeviceId = options.newDeviceId ?? randomDeviceId;
  const now = options.now ?? Date.now;
  const broker = await issuer.broker();
  const batch = now();
  const configs: ProvisionedDeviceConfig[] = [];
  for (let i = 0; i < count; i++) {
    const deviceId = newDeviceId();
    if (!isDeviceId(deviceId)) throw new ProvisioningError('bad generated device id', { deviceId });
    const device: DeviceIdentity = { deviceId, brandId, serial: `${batch}-${i + 1}` };
    const credentials = await issuer.issue(device);
    const claimCode = await registry.register({
      ...device,
      keyVersion: masterKey.version,
      createdAt: now(),
    });
    const secret = deriveDeviceKey(nodeSha256, masterKey.key, deviceId, masterKey.version);
    const config = deviceConfig({
      device,
      keyVersion: masterKey.version,
      secretHex: toHex(secret),
      broker,
      credentials,
      issuer: issuer.name,
    });
    await output(config, claimCode);
    configs.push(config);
  }
  return configs;
}
