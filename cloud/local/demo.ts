/**
 * Demo data for a first start: a brand with SKUs, a household, and buttons registered, claimed
 * and bound (plus one registered but unclaimed), so `npm run press -- demo-1` orders at once.
 * Every item is written only where it is missing, so restarts never reset a button's counter.
 */
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import type { Button, Sku } from '../core/model.ts';
import { DEFAULT_SETTINGS } from '../core/model.ts';
import { toButtonItem } from '../store/button-item.ts';
import { toSkuItem } from '../store/sku-item.ts';
import type { Table } from '../store/table.ts';

export const DEMO = {
  brandId: 'acme',
  brandName: 'Acme Coffee Roasters',
  householdId: 'hh-demo',
  householdName: 'The Demo Household',
  buttons: {
    coffee: 'demo-1',
    filters: 'demo-2',
    unclaimed: 'demo-3',
  },
} as const;

export function demoSkus(now: number): Sku[] {
  const sku = (skuId: string, name: string, priceCents: number): Sku => ({
    brandId: DEMO.brandId,
    skuId,
    name,
    priceCents,
    currency: 'EUR',
    maxQuantity: 5,
    inStock: true,
    retired: false,
    priceHistory: [{ priceCents, at: now }],
    updatedAt: now,
  });
  return [
    sku('coffee-1kg', 'Coffee beans 1 kg', 1299),
    sku('filters-100', 'Coffee filters, 100', 349),
    sku('descaler', 'Descaler 500 ml', 799),
  ];
}

export function demoButtons(now: number, keyVersion: number): Button[] {
  const base = {
    brandId: DEMO.brandId,
    keyVersion,
    highWaterMark: 0,
    open: [],
    lastPressAt: null,
    batteryMv: null,
    createdAt: now,
  };
  return [
    {
      ...base,
      deviceId: DEMO.buttons.coffee,
      serial: 'ACME-0001',
      householdId: DEMO.householdId,
      settings: {
        ...DEFAULT_SETTINGS,
        skuId: 'coffee-1kg',
        acceptedPriceCents: 1299,
        secondAction: { skuId: 'filters-100', quantity: 1 },
      },
    },
    {
      ...base,
      deviceId: DEMO.buttons.filters,
      serial: 'ACME-0002',
      householdId: DEMO.householdId,
      settings: { ...DEFAULT_SETTINGS, skuId: 'filters-100', acceptedPriceCents: 349, quantity: 2 },
    },
    {
      ...base,
      deviceId: DEMO.buttons.unclaimed,
      serial: 'ACME-0003',
      householdId: null,
      settings: { ...DEFAULT_SETTINGS },
    },
  ];
}

/** Extra writers (brand, household) for when the API's stores are available. */
export type DemoExtra = (now: number) => Promise<void>;

export async function seedDemo(
  table: Table,
  options: { now: number; keyVersion: number; extra?: DemoExtra },
): Promise<{ created: number; lines: string[] }> {
  let created = 0;
  const putIfMissing = async (item: Record<string, unknown>) => {
    try {
      await table.doc.send(
        new PutCommand({
          TableName: table.name,
          Item: item,
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      );
      created++;
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
    }
  };
  for (const sku of demoSkus(options.now)) await putIfMissing(toSkuItem(sku));
  for (const button of demoButtons(options.now, options.keyVersion)) {
    await putIfMissing(toButtonItem(button) as unknown as Record<string, unknown>);
  }
  await options.extra?.(options.now);
  const lines = [
    `brand ${DEMO.brandId} (${DEMO.brandName}): SKUs coffee-1kg, filters-100, descaler`,
    `household ${DEMO.householdId}: buttons ${DEMO.buttons.coffee} (coffee-1kg; double click: filters-100), ${DEMO.buttons.filters} (filters-100 ×2)`,
    `button ${DEMO.buttons.unclaimed}: registered, not claimed (presses answer UNBOUND)`,
  ];
  return { created, lines };
}
