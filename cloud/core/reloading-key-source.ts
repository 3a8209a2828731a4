import type { Sha256 } from '#shared/index';
import { DerivedKeySource } from './keys.ts';
import type { Clock, KeySource } from './ports.ts';

/** How long an unknown key version waits before the master keys are read again. */
export const KEY_RELOAD_INTERVAL_MS = 60_000;

/**
 * Master keys loaded once and kept, reloaded when a device names a key version they lack — at
 * most once per interval, so a new version reaches warm instances within a minute while forged
 * versions cannot make every press fetch the secret. A failed load is not kept.
 */
export class ReloadingKeySource implements KeySource {
  private keys: Promise<DerivedKeySource> | undefined;
  private loadedAt = Number.NEGATIVE_INFINITY;

  constructor(
    private readonly load: () => Promise<ReadonlyMap<number, Uint8Array>>,
    private readonly sha256: Sha256,
    private readonly clock: Clock,
  ) {}

  async deviceKey(deviceId: string, keyVersion: number): Promise<Uint8Array | null> {
    const key = await (await this.current()).deviceKey(deviceId, keyVersion);
    if (key || this.clock.now() - this.loadedAt < KEY_RELOAD_INTERVAL_MS) return key;
    this.keys = undefined;
    return (await this.current()).deviceKey(deviceId, keyVersion);
  }

  private current(): Promise<DerivedKeySource> {
    if (!this.keys) {
      this.loadedAt = this.clock.now();
      const loading = this.load().then((masters) => new DerivedKeySource(masters, this.sha256));
      loading.catch(() => {
        if (this.keys === loading) this.keys = undefined;
      });
      this.keys = loading;
    }
    return this.keys;
  }
}
