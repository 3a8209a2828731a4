import type { Sku } from '../../core/model.ts';
import { keys } from './table-keys.ts';

export function toSkuItem(sku: Sku): Record<string, unknown> {
  return { ...keys.sku(sku.brandId, sku.skuId), type: 'sku', ...sku };
}

export function fromSkuItem(item: Record<string, unknown>): Sku {
  const { pk: _pk, sk: _sk, type: _type, ...sku } = item;
  return sku as unknown as Sku;
}
