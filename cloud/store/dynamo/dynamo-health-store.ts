/**
 * HealthStore on the table: one item per button in its brand's partition
 * (`BRAND#{brand}` / `HEALTH#{device}`), on gsi3's `HEALTHDUE` partition by `checkAt` while the
 * sweep has something to look at.
 */
import type { ButtonHealth } from '../../core/health/button-health.ts';
import type { HealthKey, HealthStore, StoredHealth } from '../../core/health/health-store.ts';
import type { Page, PageRequest } from '../../core/page.ts';
import { decodeKeyCursor, encodeCursor } from '../page-cursor.ts';
import { queryIndexItems } from './index-query.ts';
import type { Table } from './table.ts';
import { HEALTH_DUE_PARTITION, keys, timeKey } from './table-keys.ts';
import { getVersioned, getVersionedMany, putVersioned, queryBodies } from './versioned-item.ts';

const PREFIX = 'HEALTH#';

export class DynamoHealthStore implements HealthStore {
  constructor(private readonly table: Table) {}

  async getHealth(brandId: string, deviceId: string): Promise<StoredHealth | null> {
    const found = await getVersioned<ButtonHealth>(
      this.table,
      'getHealth',
      keys.health(brandId, deviceId),
    );
    return found && { health: found.body, version: found.version };
  }

  async getHealthMany(buttons: readonly HealthKey[]): Promise<(StoredHealth | null)[]> {
    const found = await getVersionedMany<ButtonHealth>(
      this.table,
      'getHealthMany',
      buttons.map((b) => keys.health(b.brandId, b.deviceId)),
    );
    return found.map((f) => f && { health: f.body, version: f.version });
  }

  putHealth(health: ButtonHealth, expectedVersion: number): Promise<boolean> {
    const due =
      health.checkAt === null
        ? {}
        : {
            gsi3pk: HEALTH_DUE_PARTITION,
            gsi3sk: `${timeKey(health.checkAt)}#${health.deviceId}`,
          };
    return putVersioned(
      this.table,
      'putHealth',
      { ...keys.health(health.brandId, health.deviceId), type: 'health', body: health, ...due },
      expectedVersion,
    );
  }

  async listHealth(brandId: string, page: PageRequest): Promise<Page<ButtonHealth>> {
    const { pk } = keys.brand(brandId);
    const start = decodeKeyCursor(page.cursor, { pk });
    const found = await queryBodies<ButtonHealth>(this.table, 'listHealth', pk, PREFIX, {
      limit: page.limit,
      start,
    });
    return { items: found.bodies, cursor: encodeCursor(found.lastKey) };
  }

  async dueHealth(now: number, limit: number): Promise<ButtonHealth[]> {
    const page = await queryIndexItems(this.table, 'dueHealth', {
      IndexName: 'gsi3',
      KeyConditionExpression: 'gsi3pk = :due AND gsi3sk < :until',
      ExpressionAttributeValues: {
        ':due': HEALTH_DUE_PARTITION,
        ':until': `${timeKey(now)}#\uffff`,
      },
      Limit: limit,
    });
    // The index is eventually consistent: a record it still lists may have moved on.
    return page.items
      .map((item) => item.body as ButtonHealth)
      .filter((h) => h.checkAt !== null && h.checkAt <= now);
  }
}
