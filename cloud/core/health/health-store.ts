/**
 * Where button health records live: one per button in its brand's partition (so a brand lists
 * only its own), each also on a due-time index while the sweep has something to look at.
 */
import type { Page, PageRequest } from '../page.ts';
import type { ButtonHealth } from './button-health.ts';

export interface StoredHealth {
  health: ButtonHealth;
  /** Bumped by every write; writes are conditional on it (0: no record yet). */
  version: number;
}

export interface HealthKey {
  brandId: string;
  deviceId: string;
}

export interface HealthStore {
  getHealth(brandId: string, deviceId: string): Promise<StoredHealth | null>;
  /** Many buttons' records at once, in the order asked; null where a button has none. */
  getHealthMany(buttons: readonly HealthKey[]): Promise<(StoredHealth | null)[]>;
  /** Writes the record only if its version is still `expectedVersion`; false otherwise. */
  putHealth(health: ButtonHealth, expectedVersion: number): Promise<boolean>;
  /** The brand's records by device id. */
  listHealth(brandId: string, page: PageRequest): Promise<Page<ButtonHealth>>;
  /** Records whose `checkAt` has come at `now`, earliest first — never a scan of all buttons. */
  dueHealth(now: number, limit: number): Promise<ButtonHealth[]>;
}
