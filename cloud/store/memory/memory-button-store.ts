import {
  type AssignResult,
  type ButtonOwner,
  type ButtonStore,
  HOUSEHOLD_RESET,
  isOwner,
  type SettingsPatch,
} from '../../core/fleet/button-store.ts';
import type { Button } from '../../core/model.ts';
import type { Page, PageRequest } from '../../core/page.ts';
import { byKey, pageOf } from './memory-page.ts';
import { type ButtonRecord, clone, type MemoryTable } from './memory-table.ts';

/** The API's side of the button record; runs the same contract suite as DynamoButtonStore. */
export class MemoryButtonStore implements ButtonStore {
  constructor(private readonly table: MemoryTable) {}

  async createButton(button: Button, claimHash: string): Promise<boolean> {
    if (this.table.buttons.has(button.deviceId)) return false;
    this.table.buttons.set(button.deviceId, {
      ...clone(button),
      recent: [],
      rhythm: {},
      claimHash,
    });
    return true;
  }

  async getButton(deviceId: string): Promise<Button | null> {
    const record = this.table.buttons.get(deviceId);
    return record ? toButton(record) : null;
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
    const record = this.table.buttons.get(deviceId);
    if (!record || !isOwner(owner, record)) return false;
    const defined = Object.entries(patch).filter(([, v]) => v !== undefined);
    record.settings = { ...record.settings, ...Object.fromEntries(defined) };
    return true;
  }

  async assignHousehold(deviceId: string, householdId: string): Promise<AssignResult> {
    const record = this.table.buttons.get(deviceId);
    if (!record) return 'missing';
    if (record.householdId === null) {
      record.householdId = householdId;
      return 'assigned';
    }
    return record.householdId === householdId ? 'already-yours' : 'taken';
  }

  async releaseHousehold(
    deviceId: string,
    householdId: string,
  ): Promise<string | null | undefined> {
    const record = this.table.buttons.get(deviceId);
    if (!record || record.householdId !== householdId) return undefined;
    const claimHash = record.claimHash;
    record.householdId = null;
    record.settings = { ...record.settings, ...HOUSEHOLD_RESET };
    record.rhythm = {};
    record.claimHash = null;
    this.table.reminderTimers.delete(deviceId);
    return claimHash;
  }

  async forgetRhythm(deviceId: string, householdId: string): Promise<boolean> {
    const record = this.table.buttons.get(deviceId);
    if (!record || record.householdId !== householdId) return false;
    record.rhythm = {};
    this.table.reminderTimers.delete(deviceId);
    return true;
  }

  async markTest(deviceId: string, brandId: string, test: boolean): Promise<boolean> {
    const record = this.table.buttons.get(deviceId);
    if (!record || record.brandId !== brandId) return false;
    if (test) record.test = true;
    else delete record.test;
    return true;
  }

  private list(partition: string, keep: (b: Button) => boolean, page: PageRequest) {
    const key = (b: Button) => b.deviceId;
    const mine = [...this.table.buttons.values()].map(toButton).filter(keep);
    return pageOf(partition, mine.sort(byKey(key)), key, page);
  }
}

function toButton(record: ButtonRecord): Button {
  const { recent: _recent, claimHash: _claimHash, ...button } = clone(record);
  return button;
}
