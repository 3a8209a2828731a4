/**
 * What a household accepts before its button orders: the product, its price and quantity,
 * how far the price may rise before it is asked again, and that a press places an order with
 * an obligation to pay (the order control of the EU's consumer rights rules, and the reason
 * a German court found the original Dash Button unlawful).
 */
import type { Button, Sku } from '../model.ts';
import type { Locale, Texts } from '../notifications/texts.ts';
import { formatPrice, LOCALES } from '../notifications/texts.ts';

export interface Terms {
  deviceId: string;
  skuId: string;
  skuName: string;
  quantity: number;
  unitPriceCents: number;
  currency: string;
  priceIncreaseLimitPct: number;
  /** The price the household accepted, or null while it has accepted none. */
  acceptedPriceCents: number | null;
  /** The sentence the household agrees to, in every console language. */
  wording: Texts;
}

const WORDING: Record<Locale, (p: { item: string; price: string; limit: string }) => string> = {
  en: (p) =>
    `Each press of this button orders ${p.item} at ${p.price} each, with an obligation to pay. If the price rises by more than ${p.limit}, the button asks you first.`,
  fr: (p) =>
    `Chaque appui sur ce bouton commande ${p.item} à ${p.price} l’unité, avec obligation de paiement. Si le prix augmente de plus de ${p.limit}, le bouton vous demande d’abord.`,
};

export function termsFor(button: Button, sku: Sku): Terms {
  const quantity = Math.min(button.settings.quantity, sku.maxQuantity);
  const wording = {} as Texts;
  for (const locale of LOCALES) {
    const number = new Intl.NumberFormat(locale);
    const percent = new Intl.NumberFormat(locale, { style: 'percent', maximumFractionDigits: 1 });
    wording[locale] = WORDING[locale]({
      item: `${number.format(quantity)} × ${sku.name}`,
      price: formatPrice(sku.priceCents, sku.currency, locale),
      limit: percent.format(button.settings.priceIncreaseLimitPct / 100),
    });
  }
  return {
    deviceId: button.deviceId,
    skuId: sku.skuId,
    skuName: sku.name,
    quantity,
    unitPriceCents: sku.priceCents,
    currency: sku.currency,
    priceIncreaseLimitPct: button.settings.priceIncreaseLimitPct,
    acceptedPriceCents: button.settings.acceptedPriceCents,
    wording,
  };
}
