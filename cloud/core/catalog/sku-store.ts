/** The port for a brand's SKUs. Adapters: DynamoSkuStore (cloud/store), MemorySkuStore. */
import type { Sku } from '../model.ts';
import type { Page, PageRequest } from '../page.ts';

export interface SkuStore {
  getSku(brandId: string, skuId: string): Promise<Sku | null>;
  /** By SKU id. */
  listSkus(brandId: string, page: PageRequest): Promise<Page<Sku>>;
  /** Creates the SKU; false when that id already exists. */
  createSku(sku: Sku): Promise<boolean>;
  /** Replaces the SKU if its `updatedAt` is still `expectedUpdatedAt` (optimistic lock); false otherwise. */
  replaceSku(sku: Sku, expectedUpdatedAt: number): Promise<boolean>;
}
