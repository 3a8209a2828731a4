import { deriveDeviceKey, type Sha256 } from '#shared/index';
import type { Clock, KeySource } from './ports.ts';

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

/** How long an unknown key version waits before the master keys are read again. */
export const KEY_RELOAD_INTERVAL_MS = 60_000;

/**
 * A KeySource whose keys are loaded on first use and kept (a Lambda instance fetches its master
 * keys once); a failed load is not kept, so the next call tries again. With a clock, a key
 * version the loaded keys lack makes it load again — at most once per interval, so a version
 * added to the secret reaches warm instances within a minute while forged versions cannot make
 * every press fetch the secret.
 */
export class LazyKeySource implements KeySource {
  private loaded: Promise<KeySource> | undefined;
  private loadedAt = Number.NEGATIVE_INFINITY;

  constructor(
    private readonly load: () => Promise<KeySource>,
    private readonly clock?: Clock,
  ) {}

  async deviceKey(deviceId: string, keyVersion: number): Promise<Uint8Array | null> {
    const key = await (await this.current()).deviceKey(deviceId, keyVersion);
    if (key || !this.clock || this.clock.now() - this.loadedAt < KEY_RELOAD_INTERVAL_MS) {
      return key;
    }
    this.loaded = undefined;
    return (await this.current()).deviceKey(deviceId, keyVersion);
  }

  private current(): Promise<KeySource> {
    if (!this.loaded) {
      this.loadedAt = this.clock?.now() ?? 0;
      const loading = this.load();
      this.loaded = loading;
      loading.catch(() => {
        if (this.loaded === loading) this.loaded = undefined;
      });
    }
    return this.loaded;
  }
}
