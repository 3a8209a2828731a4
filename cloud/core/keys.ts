import { deriveDeviceKey, type Sha256 } from '#shared/index';
import type { KeySource } from './ports.ts';

/**
 * Derives each device's key from the master key of its key version (key diversification):
 * no per-device secret table, and rotating means adding a version.
 */
export class DerivedKeySource implements KeySource {
  constructor(
    private readonly masterKeys: ReadonlyMap<number, Uint8Array>,
    private readonly sha256: Sha256,
  ) {}

  async deviceKey(deviceId: string, keyVersion: number): Promise<Uint8Array | null> {
    const master = this.masterKeys.get(keyVersion);
    return master ? deriveDeviceKey(this.sha256, master, deviceId, keyVersion) : null;
  }
}
