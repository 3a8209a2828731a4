import {
  type AssignResult,
  type ButtonOwner,
  type ButtonStore,
  isOwner,
  type SettingsPatch,
} from '../../core/fleet/button-store.ts';
import { type Button, DEFAULT_SETTINGS } from '../../core/model.ts';
import type { Page, PageRequest } from '../../core/page.ts';
import { byKey, pageOf } from './memory-page.ts';

/** In-memory ButtonStore for unit tests; runs the same contract suite as DynamoButtonStore. */
export class MemoryButtonStore implements ButtonStore {
  readonly buttons = new Map<string, { button: Button; claimHash: string | null }>();

  async createButton(button: Button, claimHash: string): Promise<boolean> {
    if (this.buttons.has(button.deviceId)) return false;
    this.buttons.set(button.deviceId, { button: structuredClone(button), claimHash });
    return true;
  }

  async getButton(deviceId: string): Promise<Button | null> {
    const entry = this.buttons.get(deviceId);
    return entry ? structuredClone(entry.button) : null;
  }

  async listBrandButtons(brandId: string, page: PageRequest): Promise<Page<Button>> {
    return this.list(`brand:${brandId}`, (b) => b.brandId === brandId, page);
  }

  async listHouseholdButtons(householdId: string, page: PageRequest): Promise<Page<Button>> {
    return this.list(`hh:${householdId}`, (b) => b.householdId === householdId, page);
  }

  async patchSettings(
    deviceId: string,
    owner: ButtonOwner,
    patch: SettingsPatch,
  ): Promise<boolean> {
    const entry = this.buttons.get(deviceId);
    if (!entry || !isOwner(owner, entry.button)) return false;
    const defined = Object.entries(patch).filter(([, v]) => v !== undefined);
    entry.button.settings = { ...entry.button.settings, ...Object.fromEntries(defined) };
    return true;
  }

  async assignHousehold(deviceId: string, householdId: string): Promise<AssignResult> {
    const entry = this.buttons.get(deviceId);
    if (!entry) return 'missing';
    if (entry.button.householdId === null) {
      entry.button.householdId = householdId;
      return 'assigned';
    }
    return entry.button.householdId === householdId ? 'already-yours' : 'taken';
  }

  async releaseHousehold(
    deviceId: string,
    householdId: string,
  ): Promise<string | null | undefined> {
    const entry = this.buttons.get(deviceId);
    if (!entry || entry.button.householdId !== householdId) return undefined;
    const claimHash = entry.claimHash;
    entry.button.householdId = null;
    entry.button.settings = { ...DEFAULT_SETTINGS, skuId: entry.button.settings.skuId };
    entry.claimHash = null;
    return claimHash;
  }

  private list(partition: string, keep: (b: Button) => boolean, page: PageRequest) {
    const key = (b: Button) => b.deviceId;
    const mine = [...this.buttons.values()].map((e) => e.button).filter(keep);
    return pageOf(partition, mine.sort(byKey(key)), key, page);
  }
}
