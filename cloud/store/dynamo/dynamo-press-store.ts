/**
 * PressStore on DynamoDB. Each method is exactly one request, so a press costs: one read of the
 * button (a GetItem, or a BatchGet with its SKU when the binding is known and the SKU not
 * cached) and one conditional update of the button (the commit point). The commit relay's
 * conditional put of the order item or press record follows, outside the handler. A duplicate of
 * a recent press costs the read alone.
 */
import { randomBytes } from 'node:crypto';
import { GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { BoundedMap } from '../../core/bounded-map.ts';
import type { Order, PressLogEntry, Sku } from '../../core/model.ts';
import type { Claim, PressContext, PressStore, StoredPress } from '../../core/press/press-store.ts';
import { batchGet } from './batch-get.ts';
import { fromButtonItem, toOpenEntry } from './button-item.ts';
import { conditional, guarded } from './dynamo-errors.ts';
import { storedPressOf, toOrderItem, toPressItem, toRejectionItem } from './order-item.ts';
import { releaseSlot } from './release-slot.ts';
import { fromSkuItem } from './sku-item.ts';
import type { Table } from './table.ts';
import { COMMITS_PENDING, commitMark, keys } from './table-keys.ts';

/** Bindings change rarely; remembering them lets one BatchGet fetch button and SKU together. */
const BINDING_CACHE_SIZE = 10_000;
const SKU_CACHE_SIZE = 10_000;

/**
 * How long the press Lambda reuses a SKU read (its `skuCacheMs`; the bench models it). Many
 * buttons share a SKU, so a button never seen before costs one read before its claim instead of
 * two. It is the price guard's staleness bound: a price or stock change reaches presses at most
 * this long after it was written. The local stack reads the SKU on every press, so that a
 * change made in its console reaches the next press.
 */
export const PRESS_SKU_CACHE_MS = 5_000;

export interface DynamoPressStoreOptions {
  /**
   * How long a SKU read may be reused for decisions (default 0: every press reads it; the press
   * Lambda uses PRESS_SKU_CACHE_MS). Each order keeps the price it was decided at.
   */
  skuCacheMs?: number;
  /** Milliseconds since the epoch, for the SKU cache (default Date.now). */
  now?: () => number;
  /**
   * The table has no stream (dynalite): each claim also marks its button on the commit index,
   * where the local commit relay finds it. Off in AWS, whose stream carries every claim.
   */
  noStream?: boolean;
}

export class DynamoPressStore implements PressStore {
  private readonly bindings = new BoundedMap<string, { brandId: string; skuId: string }>(
    BINDING_CACHE_SIZE,
  );
  private readonly skus = new BoundedMap<string, { sku: Sku | null; until: number }>(
    SKU_CACHE_SIZE,
  );
  private readonly skuCacheMs: number;
  private readonly now: () => number;
  private readonly noStream: boolean;

  constructor(
    private readonly table: Table,
    options: DynamoPressStoreOptions = {},
  ) {
    this.skuCacheMs = options.skuCacheMs ?? 0;
    this.now = options.now ?? Date.now;
    this.noStream = options.noStream ?? false;
  }

  async loadContext(deviceId: string): Promise<PressContext> {
    const binding = this.bindings.get(deviceId);
    const withSku =
      binding && this.cachedSku(binding.brandId, binding.skuId) === undefined ? binding : null;
    const items = withSku
      ? await batchGet(this.table, 'loadContext', [
          keys.button(deviceId),
          keys.sku(withSku.brandId, withSku.skuId),
        ])
      : [await this.getButtonItem(deviceId)].filter((item) => item !== undefined);
    const buttonItem = items.find((item) => item.sk === 'META');
    if (!buttonItem) return { button: null, sku: null };
    const button = fromButtonItem(buttonItem);
    const skuId = button.settings.skuId;
    if (skuId === null) return { button, sku: null };
    this.remember(deviceId, button.brandId, skuId);
    const skuItem = items.find(
      (item) => item.sk === `SKU#${skuId}` && item.brandId === button.brandId,
    );
    if (skuItem) return { button, sku: this.cacheSku(fromSkuItem(skuItem)) };
    const cached = this.cachedSku(button.brandId, skuId);
    if (cached !== undefined) return { button, sku: cached };
    return { button, sku: await this.getSku(button.brandId, skuId) };
  }

  private async getButtonItem(deviceId: string): Promise<Record<string, unknown> | undefined> {
    const result = await guarded('loadContext', () =>
      this.table.doc.send(
        new GetCommand({
          TableName: this.table.name,
          Key: keys.button(deviceId),
          ConsistentRead: true,
        }),
      ),
    );
    return result.Item;
  }

  async getSku(brandId: string, skuId: string): Promise<Sku | null> {
    const result = await guarded('getSku', () =>
      this.table.doc.send(
        new GetCommand({
          TableName: this.table.name,
          Key: keys.sku(brandId, skuId),
          ConsistentRead: true,
        }),
      ),
    );
    const sku = result.Item ? fromSkuItem(result.Item) : null;
    if (sku) this.cacheSku(sku);
    return sku;
  }

  async findPress(deviceId: string, seq: number): Promise<StoredPress | null> {
    const result = await guarded('findPress', () =>
      this.table.doc.send(
        new GetCommand({
          TableName: this.table.name,
          Key: keys.press(deviceId, seq),
          ConsistentRead: true,
        }),
      ),
    );
    return result.Item ? storedPressOf(result.Item) : null;
  }

  claim(claim: Claim): Promise<boolean> {
    const names: Record<string, string> = { '#hwm': 'hwm' };
    const values: Record<string, unknown> = {
      ':read': claim.readHighWaterMark,
      ':seq': claim.seq,
      ':at': claim.at,
      ':mv': claim.batteryMv,
    };
    const sets = ['#hwm = :seq', 'lastPressAt = :at', 'batteryMv = :mv'];
    let condition = 'attribute_exists(pk) AND #hwm = :read';
    if (claim.order) {
      names['#open'] = 'open';
      values[':orders'] = [toOpenEntry(claim.order.snapshot)];
      values[':max'] = claim.order.maxOpenOrders;
      sets.push('#open = list_append(#open, :orders)');
      condition += ' AND size(#open) < :max';
    }
    if (claim.acceptedPriceCents !== undefined) {
      names['#settings'] = 'settings';
      values[':price'] = claim.acceptedPriceCents;
      sets.push('#settings.acceptedPriceCents = :price');
    }
    if (claim.recent) {
      values[':recent'] = claim.recent;
      sets.push('recent = :recent');
    }
    if (claim.firmware !== undefined) {
      values[':fw'] = claim.firmware;
      values[':cfg'] = claim.settingsVersion ?? 0;
      sets.push('fw = :fw', 'cfg = :cfg');
    }
    if (this.noStream) {
      // The oldest claim not yet relayed stays in the mark (see table-keys.ts).
      values[':commits'] = COMMITS_PENDING;
      values[':mark'] = commitMark(claim.at, claim.seq);
      sets.push('commitPk = :commits', 'commitSk = if_not_exists(commitSk, :mark)');
    }
    return conditional('claim', () =>
      this.table.doc.send(
        new UpdateCommand({
          TableName: this.table.name,
          Key: keys.button(claim.deviceId),
          UpdateExpression: `SET ${sets.join(', ')}`,
          ConditionExpression: condition,
          ExpressionAttributeNames: names,
          ExpressionAttributeValues: values,
        }),
      ),
    );
  }

  createOrder(order: Order, press: PressLogEntry): Promise<boolean> {
    return this.putIfAbsent('createOrder', toOrderItem(order, press));
  }

  recordPress(entry: PressLogEntry): Promise<boolean> {
    return this.putIfAbsent('recordPress', toPressItem(entry));
  }

  releaseSlot(order: Order): Promise<void> {
    return releaseSlot(this.table, order);
  }

  async recordRejection(entry: PressLogEntry): Promise<void> {
    const item = toRejectionItem(entry, randomBytes(6).toString('hex'));
    await guarded('recordRejection', () =>
      this.table.doc.send(new PutCommand({ TableName: this.table.name, Item: item })),
    );
  }

  private putIfAbsent(operation: string, item: Record<string, unknown>): Promise<boolean> {
    return conditional(operation, () =>
      this.table.doc.send(
        new PutCommand({
          TableName: this.table.name,
          Item: item,
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      ),
    );
  }

  private cachedSku(brandId: string, skuId: string): Sku | null | undefined {
    if (this.skuCacheMs <= 0) return undefined;
    const entry = this.skus.get(`${brandId}/${skuId}`);
    return entry && entry.until > this.now() ? entry.sku : undefined;
  }

  private cacheSku(sku: Sku): Sku {
    if (this.skuCacheMs <= 0) return sku;
    this.skus.set(`${sku.brandId}/${sku.skuId}`, { sku, until: this.now() + this.skuCacheMs });
    return sku;
  }

  private remember(deviceId: string, brandId: string, skuId: string): void {
    this.bindings.set(deviceId, { brandId, skuId });
  }
}
