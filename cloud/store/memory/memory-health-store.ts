/** HealthStore on the MemoryTable. */
import type { ButtonHealth } from '../../core/health/button-health.ts';
import type { HealthKey, HealthStore, StoredHealth } from '../../core/health/health-store.ts';
import type { Page, PageRequest } from '../../core/page.ts';
import { byKey, pageOf } from './memory-page.ts';
import { clone, type MemoryTable } from './memory-table.ts';

const key = (brandId: string, deviceId: string) => `${brandId}/${deviceId}`;

export class MemoryHealthStore implements HealthStore {
  constructor(private readonly table: MemoryTable) {}

  async getHealth(brandId: string, deviceId: string): Promise<StoredHealth | null> {
    return clone(this.table.health.get(key(brandId, deviceId)) ?? null);
  }

  async getHealthMany(buttons: readonly HealthKey[]): Promise<(StoredHealth | null)[]> {
    return Promise.all(buttons.map((b) => this.getHealth(b.brandId, b.deviceId)));
  }

  async putHealth(health: ButtonHealth, expectedVersion: number): Promise<boolean> {
    const id = key(health.brandId, health.deviceId);
    if ((this.table.health.get(id)?.version ?? 0) !== expectedVersion) return false;
    this.table.health.set(id, { health: clone(health), version: expectedVersion + 1 });
    return true;
  }

  async listHealth(brandId: string, page: PageRequest): Promise<Page<ButtonHealth>> {
    const mine = [...this.table.health.values()]
      .map((stored) => stored.health)
      .filter((h) => h.brandId === brandId)
      .sort(byKey((h) => h.deviceId));
    return pageOf(`HEALTH#${brandId}`, mine, (h) => h.deviceId, page);
  }

  async dueHealth(now: number, limit: number): Promise<ButtonHealth[]> {
    return clone(
      [...this.table.health.values()]
        .map((stored) => stored.health)
        .filter((h) => h.checkAt !== null && h.checkAt <= now)
        .sort((a, b) => (a.checkAt as number) - (b.checkAt as number))
        .slice(0, limit),
    );
  }
}
