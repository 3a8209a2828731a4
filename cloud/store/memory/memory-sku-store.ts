import type { SkuStore } from '../../core/catalog/sku-store.ts';
import type { Sku } from '../../core/model.ts';
import type { Page, PageRequest } from '../../core/page.ts';
import { byKey, pageOf } from './memory-page.ts';
import { type MemoryTable, skuKey } from './memory-table.ts';

/** In-memory SkuStore for unit tests; runs the same contract suite as DynamoSkuStore. */
export class MemorySkuStore implements SkuStore {
  constructor(private readonly table: MemoryTable) {}

  async getSku(brandId: string, skuId: string): Promise<Sku | null> {
    const sku = this.table.skus.get(skuKey(brandId, skuId));
    return sku ? structuredClone(sku) : null;
  }

  async listSkus(brandId: string, page: PageRequest): Promise<Page<Sku>> {
    const mine = [...this.table.skus.values()].filter((s) => s.brandId === brandId);
    const key = (s: Sku) => s.skuId;
    return pageOf(brandId, mine.sort(byKey(key)), key, page);
  }

  async createSku(sku: Sku): Promise<boolean> {
    const id = skuKey(sku.brandId, sku.skuId);
    if (this.table.skus.has(id)) return false;
    this.table.skus.set(id, structuredClone(sku));
    return true;
  }

  async replaceSku(sku: Sku, expectedUpdatedAt: number): Promise<boolean> {
    const id = skuKey(sku.brandId, sku.skuId);
    if (this.table.skus.get(id)?.updatedAt !== expectedUpdatedAt) return false;
    this.table.skus.set(id, structuredClone(sku));
    return true;
  }
}
