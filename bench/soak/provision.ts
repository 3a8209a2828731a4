/**
 * Puts the soak's fleet into the store as brands and households do: a brand's catalog (Catalog),
 * its buttons registered in batches (Fleet.registerBatch), households created and each button
 * claimed with its claim code (Fleet.claim), then the button bound to the SKU with the household
 * allowing as many open orders as the API permits and the price accepted, in one settings write
 * of the button store, so every press of the default run orders.
 */
import { dynamoApiStores } from '../../cloud/api/stores.ts';
import { Catalog } from '../../cloud/core/catalog/catalog.ts';
import { Fleet } from '../../cloud/core/fleet/fleet.ts';
import type { KeySource } from '../../cloud/core/ports.ts';
import { systemClock } from '../../cloud/core/ports.ts';
import type { Table } from '../../cloud/store/dynamo/table.ts';

export const SOAK_BRAND = 'soak';
export const SOAK_SKU = 'soak-coffee';
const SOAK_PRICE_CENTS = 1299;
/** The API's upper limit for a household's open orders per button. */
export const MAX_OPEN_ORDERS = 10;
const BUTTONS_PER_HOUSEHOLD = 100;

export const deviceIdFor = (i: number) => `soak-${String(i + 1).padStart(5, '0')}`;
export const householdFor = (i: number) =>
  `hh-soak-${String(Math.floor(i / BUTTONS_PER_HOUSEHOLD) + 1).padStart(4, '0')}`;

/** The brand's SKU and every household of the run (idempotent). */
export async function prepareCatalog(table: Table, devices: number): Promise<void> {
  const stores = dynamoApiStores(table);
  const catalog = new Catalog(stores.skus, systemClock);
  if (!(await stores.skus.getSku(SOAK_BRAND, SOAK_SKU))) {
    await catalog.create(SOAK_BRAND, {
      skuId: SOAK_SKU,
      name: 'Soak coffee 1 kg',
      priceCents: SOAK_PRICE_CENTS,
      currency: 'EUR',
      maxQuantity: 5,
      inStock: true,
    });
  }
  const households = new Set(Array.from({ length: devices }, (_, i) => householdFor(i)));
  for (const householdId of households) {
    if (await stores.households.getHousehold(householdId)) continue;
    await stores.households.putHousehold({
      householdId,
      name: `Soak household ${householdId}`,
      email: `${householdId}@example.invalid`,
      address: '1 Soak Street',
      createdAt: systemClock.now(),
    });
  }
}

/**
 * Registers, binds, claims and configures the buttons with these indexes. Safe to run again
 * after a crash of the stack part-way (every step is idempotent or finishes a half-done claim).
 */
export async function provisionButtons(
  table: Table,
  keySource: KeySource,
  indexes: readonly number[],
  concurrency = 16,
): Promise<string[]> {
  const stores = dynamoApiStores(table);
  const catalog = new Catalog(stores.skus, systemClock);
  const fleet = new Fleet(
    stores.buttons,
    stores.claims,
    catalog,
    keySource,
    systemClock,
    stores.buttonEvents,
  );
  const batch = 25;
  const batches: number[][] = [];
  for (let i = 0; i < indexes.length; i += batch) batches.push(indexes.slice(i, i + batch));
  let next = 0;
  const worker = async () => {
    while (next < batches.length) {
      const chunk = batches[next++] as number[];
      const registered = await fleet.registerBatch(
        SOAK_BRAND,
        1,
        chunk.map((i) => ({ deviceId: deviceIdFor(i), serial: `SOAK-${i + 1}` })),
      );
      for (const [k, r] of registered.entries()) {
        const householdId = householdFor(chunk[k] as number);
        const current = await stores.buttons.getButton(r.deviceId);
        if (current?.householdId !== householdId) await fleet.claim(householdId, r.claimCode);
        // The brand's SKU binding, the household's settings and its acceptance of the price in
        // one settings write: bindSku, updateSettings, terms and acceptTerms each read the
        // button and the SKU again (14 store calls per button, three of them rewrites of the
        // item) to reach the same item. Presses in quick succession each order: the soak counts
        // orders per press.
        const settled = await stores.buttons.patchSettings(
          r.deviceId,
          { householdId },
          {
            skuId: SOAK_SKU,
            acceptedPriceCents: SOAK_PRICE_CENTS,
            maxOpenOrders: MAX_OPEN_ORDERS,
            burstWindowSeconds: 0,
          },
        );
        if (!settled) throw new Error(`${r.deviceId} is not ${householdId}'s after its claim`);
      }
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  return indexes.map(deviceIdFor);
}
