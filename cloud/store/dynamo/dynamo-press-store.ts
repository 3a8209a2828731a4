/**
 * PressStore on DynamoDB. Each method is exactly one request, so a press costs: one read of
 * the button (with its SKU in the same BatchGet once the binding is known), one conditional
 * update of the button, and one conditional put of the order or press record.
 */
import { randomBytes } from 'node:crypto';
import { GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { Order, PressLogEntry, Sku } from '../../core/model.ts';
import type {
  Claim,
  LoadedButton,
  PressContext,
  PressStore,
  StoredPress,
} from '../../core/press/press-store.ts';
import { batchGet } from './batch-get.ts';
import { fromButtonItem } from './button-item.ts';
import { conditional, guarded } from './dynamo-errors.ts';
import { storedPressOf, toOrderItem, toPressItem, toRejectionItem } from './order-item.ts';
import { releaseSlot } from './release-slot.ts';
import { fromSkuItem } from './sku-item.ts';
import type { Table } from './table.ts';
import { keys } from './table-keys.ts';

/** Bindings change rarely; remembering them lets one BatchGet fetch button and SKU together. */
const BINDING_CACHE_SIZE = 10_000;

export class DynamoPressStore implements PressStore {
  private readonly bindings = new Map<string, { brandId: string; skuId: string }>();

  constructor(private readonly table: Table) {}

  async loadContext(deviceId: string): Promise<PressContext> {
    const cached = this.bindings.get(deviceId);
    const wanted = [keys.button(deviceId)];
    if (cached) wanted.push(keys.sku(cached.brandId, cached.skuId));
    const items = await batchGet(this.table, 'loadContext', wanted);
    const buttonItem = items.find((item) => item.sk === 'META');
    if (!buttonItem) return { button: null, sku: null };
    const button = fromButtonItem(buttonItem) as LoadedButton;
    const skuId = button.settings.skuId;
    if (skuId === null) return { button, sku: null };
    this.remember(deviceId, button.brandId, skuId);
    const skuItem = items.find(
      (item) => item.sk === `SKU#${skuId}` && item.brandId === button.brandId,
    );
    return {
      button,
      sku: skuItem ? fromSkuItem(skuItem) : await this.getSku(button.brandId, skuId),
    };
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
    return result.Item ? fromSkuItem(result.Item) : null;
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
      values[':orders'] = [claim.order.snapshot];
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

  private remember(deviceId: string, brandId: string, skuId: string): void {
    if (this.bindings.size >= BINDING_CACHE_SIZE) this.bindings.clear();
    this.bindings.set(deviceId, { brandId, skuId });
  }
}
