/**
 * Demo data for a first start, made through the same services the HTTP API uses: brand `acme`
 * creates SKUs and registers three buttons (binding two), household `hh-demo` claims those two
 * with their claim codes, and the third stays unclaimed so a newcomer can claim it over HTTP.
 * It runs only while the demo household does not exist (it is created last), so a restart
 * never undoes what a user changed, and an interrupted first start simply runs again.
 */
import type { ApiStores } from '../api/deps.ts';
import { Catalog } from '../core/catalog/catalog.ts';
import { Fleet } from '../core/fleet/fleet.ts';
import type { Sku } from '../core/model.ts';
import type { Clock, KeySource } from '../core/ports.ts';

export const DEMO = {
  brandId: 'acme',
  householdId: 'hh-demo',
  buttons: { coffee: 'demo-1', filters: 'demo-2', unclaimed: 'demo-3' },
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

export interface DemoDeps {
  stores: ApiStores;
  keySource: KeySource;
  keyVersion: number;
  clock: Clock;
}

/** Creates the demo data where it is missing; returns lines for the banner. */
export async function seedDemo(deps: DemoDeps): Promise<{ created: boolean; lines: string[] }> {
  const { stores, clock, keyVersion } = deps;
  const catalog = new Catalog(stores.skus, clock);
  const fleet = new Fleet(
    stores.buttons,
    stores.claims,
    catalog,
    deps.keySource,
    clock,
    stores.buttonEvents,
  );
  const { coffee, filters, unclaimed } = DEMO.buttons;
  let created = false;
  if (!(await stores.households.getHousehold(DEMO.householdId))) {
    for (const sku of demoSkus(clock.now())) await stores.skus.createSku(sku);
    const registered = await fleet.registerBatch(DEMO.brandId, keyVersion, [
      { deviceId: coffee, serial: 'ACME-0001' },
      { deviceId: filters, serial: 'ACME-0002' },
      { deviceId: unclaimed, serial: 'ACME-0003' },
    ]);
    await fleet.bindSku(DEMO.brandId, coffee, 'coffee-1kg');
    await fleet.bindSku(DEMO.brandId, filters, 'filters-100');
    await fleet.bindSku(DEMO.brandId, unclaimed, 'descaler');
    const codeOf = (deviceId: string) =>
      registered.find((r) => r.deviceId === deviceId)?.claimCode as string;
    await fleet.claim(DEMO.householdId, codeOf(coffee));
    await fleet.claim(DEMO.householdId, codeOf(filters));
    await fleet.updateSettings(DEMO.householdId, coffee, {
      secondAction: { skuId: 'filters-100', quantity: 1 },
    });
    await fleet.updateSettings(DEMO.householdId, filters, { quantity: 2 });
    // The demo household has accepted its buttons' terms, so their presses order right away.
    for (const deviceId of [coffee, filters]) {
      const terms = await fleet.terms(DEMO.householdId, deviceId);
      await fleet.acceptTerms(DEMO.householdId, deviceId, terms.unitPriceCents);
    }
    // Last: its presence marks the demo as complete.
    await stores.households.putHousehold({
      householdId: DEMO.householdId,
      name: 'The Demo Household',
      email: 'demo@example.invalid',
      address: '1 Demo Street, Demotown',
      createdAt: clock.now(),
    });
    created = true;
  }
  const unclaimedCode = await fleet.claimCodeFor(unclaimed, keyVersion);
  return {
    created,
    lines: [
      `brand ${DEMO.brandId}: SKUs coffee-1kg (12.99 EUR), filters-100 (3.49 EUR), descaler (7.99 EUR)`,
      `household ${DEMO.householdId}: ${coffee} orders coffee-1kg (double click: filters-100), ${filters} orders filters-100 ×2`,
      `${unclaimed}: bound to descaler, not claimed (presses answer UNBOUND); claim code ${unclaimedCode}`,
    ],
  };
}
