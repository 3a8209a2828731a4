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

/**
 * A KeySource whose keys are loaded on first use and kept (a Lambda instance fetches its master
 * keys once); a failed load is not kept, so the next call tries again.
 */
export class LazyKeySource implements KeySource {
  private loaded: Promise<KeySource> | undefined;

  constructor(private readonly load: () => Promise<KeySource>) {}

  async deviceKey(deviceId: string, keyVersion: number): Promise<Uint8Array | null> {
    if (!this.loaded) {
      const loading = this.load();
      this.loaded = loading;
      loading.catch(() => {
        if (this.loaded === loading) this.loaded = undefined;
      });
    }
    return (await this.loaded).deviceKey(deviceId, keyVersion);
  }
}
