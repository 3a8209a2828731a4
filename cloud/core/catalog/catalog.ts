/**
 * SKU lifecycle for brands: create, update (a price change appends to the price history),
 * retire. Retired SKUs stay readable (orders refer to them) but can no longer be bound.
 */
import { ConflictError, NotFoundError } from '../errors.ts';
import type { Sku } from '../model.ts';
import type { Clock } from '../ports.ts';
import { RuleViolationError } from './errors.ts';
import type { SkuStore } from './sku-store.ts';

export interface NewSku {
  skuId: string;
  name: string;
  priceCents: number;
  currency: string;
  maxQuantity: number;
  inStock: boolean;
  /** "Usually lasts N days": the reorder rhythm for households that have none of their own yet. */
  usualIntervalDays?: number | null;
}

export type SkuChanges = Partial<Omit<NewSku, 'skuId' | 'currency'>>;

export class Catalog {
  constructor(
    private readonly skus: SkuStore,
    private readonly clock: Clock,
  ) {}

  async create(brandId: string, input: NewSku): Promise<Sku> {
    const at = this.clock.now();
    const sku: Sku = {
      brandId,
      ...input,
      retired: false,
      priceHistory: [{ priceCents: input.priceCents, at }],
      updatedAt: at,
    };
    if (!(await this.skus.createSku(sku))) {
      throw new ConflictError(`SKU ${input.skuId} already exists`, undefined, {
        skuId: input.skuId,
      });
    }
    return sku;
  }

  async get(brandId: string, skuId: string): Promise<Sku> {
    const sku = await this.skus.getSku(brandId, skuId);
    if (!sku) throw new NotFoundError('SKU', skuId);
    return sku;
  }

  async update(brandId: string, skuId: string, changes: SkuChanges): Promise<Sku> {
    const current = await this.get(brandId, skuId);
    if (current.retired) {
      throw new RuleViolationError('SKU_RETIRED', `SKU ${skuId} is retired`, { skuId });
    }
    const at = Math.max(this.clock.now(), current.updatedAt + 1);
    const priceChanged =
      changes.priceCents !== undefined && changes.priceCents !== current.priceCents;
    const next: Sku = {
      ...current,
      ...definedOnly(changes),
      priceHistory: priceChanged
        ? [...current.priceHistory, { priceCents: changes.priceCents as number, at }]
        : current.priceHistory,
      updatedAt: at,
    };
    await this.replace(next, current.updatedAt);
    return next;
  }

  async retire(brandId: string, skuId: string): Promise<Sku> {
    const current = await this.get(brandId, skuId);
    if (current.retired) return current;
    const next: Sku = {
      ...current,
      retired: true,
      inStock: false,
      updatedAt: Math.max(this.clock.now(), current.updatedAt + 1),
    };
    await this.replace(next, current.updatedAt);
    return next;
  }

  /** A SKU that a button may be bound to: the brand's own, not retired. */
  async requireBindable(brandId: string, skuId: string): Promise<Sku> {
    const sku = await this.skus.getSku(brandId, skuId);
    if (!sku) throw new RuleViolationError('UNKNOWN_SKU', `SKU ${skuId} is not one of the brand's`);
    if (sku.retired) throw new RuleViolationError('SKU_RETIRED', `SKU ${skuId} is retired`);
    return sku;
  }

  private async replace(next: Sku, expectedUpdatedAt: number): Promise<void> {
    if (!(await this.skus.replaceSku(next, expectedUpdatedAt))) {
      throw new ConflictError(`SKU ${next.skuId} changed concurrently; read it again`);
    }
  }
}

function definedOnly<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}
