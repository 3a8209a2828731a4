/**
 * What a household reads about its orders, in each language the console speaks. Numbers,
 * prices, plurals and relative days come from Intl; each sentence is one template per
 * language, never assembled from fragments.
 */
import type { Order, OrderEvent, OrderEventType } from '../model.ts';

export const LOCALES = ['en', 'fr'] as const;
export type Locale = (typeof LOCALES)[number];
export type Texts = Record<Locale, string>;

/** The values a sentence may use, already formatted for its language. */
interface Parts {
  /** The product's name alone. */
  name: string;
  /** Quantity and product: "2 × Coffee beans 1 kg". */
  item: string;
  price: string;
  accepted: string | null;
  reason: string | null;
  /** "every 24 days" / "tous les 24 jours". */
  every: string;
  /** "2 days ago" / "il y a 2 jours". */
  since: string;
}

type Sentences = Record<OrderEventType, (p: Parts) => string> & {
  early: (p: Parts) => string;
  quietHours: (p: Parts) => string;
  childLock: (p: Parts) => string;
  firstOrder: (p: Parts) => string;
  reminder: (p: Parts) => string;
};

const SENTENCES: Record<Locale, Sentences> = {
  en: {
    OrderPlaced: (p) => `Ordered ${p.item} at ${p.price}.`,
    OrderNeedsConfirmation: (p) =>
      `${p.item} now costs ${p.price} (you accepted ${p.accepted}). Confirm or decline.`,
    OrderConfirmed: (p) => `Your order of ${p.item} is confirmed.`,
    OrderCancelled: (p) =>
      p.reason
        ? `Your order of ${p.item} was cancelled: ${p.reason}.`
        : `Your order of ${p.item} was cancelled.`,
    OrderShipped: (p) => `Your order of ${p.item} has shipped.`,
    OrderDelivered: (p) => `Your order of ${p.item} was delivered.`,
    OrderExpired: (p) => `Your unconfirmed order of ${p.item} expired.`,
    early: (p) =>
      `You usually order ${p.name} ${p.every}; the last order was ${p.since}. Confirm or ignore.`,
    quietHours: (p) =>
      `A press during your quiet hours would order ${p.item} at ${p.price}. Confirm or ignore.`,
    childLock: (p) =>
      `The child lock is holding an order of ${p.item} at ${p.price}. Confirm or ignore.`,
    firstOrder: (p) => `Your first order of ${p.item} at ${p.price} needs your confirmation.`,
    reminder: (p) =>
      `Running low on ${p.name}? You usually order it ${p.every}; the last order was ${p.since}. Press the button to order more.`,
  },
  fr: {
    OrderPlaced: (p) => `Commande passée : ${p.item} à ${p.price}.`,
    OrderNeedsConfirmation: (p) =>
      `${p.item} coûte maintenant ${p.price} (vous aviez accepté ${p.accepted}). Confirmez ou refusez.`,
    OrderConfirmed: (p) => `Votre commande de ${p.item} est confirmée.`,
    OrderCancelled: (p) =>
      p.reason
        ? `Votre commande de ${p.item} a été annulée : ${p.reason}.`
        : `Votre commande de ${p.item} a été annulée.`,
    OrderShipped: (p) => `Votre commande de ${p.item} a été expédiée.`,
    OrderDelivered: (p) => `Votre commande de ${p.item} a été livrée.`,
    OrderExpired: (p) => `Votre commande non confirmée de ${p.item} a expiré.`,
    early: (p) =>
      `Vous commandez habituellement ${p.name} ${p.every} ; la dernière commande date d’${p.since}. Confirmez ou ignorez.`,
    quietHours: (p) =>
      `Un appui pendant vos heures calmes commanderait ${p.item} à ${p.price}. Confirmez ou ignorez.`,
    childLock: (p) =>
      `Le verrouillage enfant retient une commande de ${p.item} à ${p.price}. Confirmez ou ignorez.`,
    firstOrder: (p) =>
      `Votre première commande de ${p.item} à ${p.price} attend votre confirmation.`,
    reminder: (p) =>
      `Bientôt à court de ${p.name} ? Vous en commandez habituellement ${p.every} ; la dernière commande date d’${p.since}. Appuyez sur le bouton pour en recommander.`,
  },
};

const EVERY: Record<Locale, Record<'one' | 'other', (n: string) => string>> = {
  en: { one: () => 'every day', other: (n) => `every ${n} days` },
  fr: { one: () => 'tous les jours', other: (n) => `tous les ${n} jours` },
};

/**
 * Intl objects built once per locale (and currency) and kept: building one costs far more than
 * formatting with it, and every order event's notification formats several numbers.
 */
const formats = new Map<string, Intl.NumberFormat | Intl.PluralRules | Intl.RelativeTimeFormat>();

function kept<T extends Intl.NumberFormat | Intl.PluralRules | Intl.RelativeTimeFormat>(
  key: string,
  build: () => T,
): T {
  let format = formats.get(key) as T | undefined;
  if (!format) {
    format = build();
    formats.set(key, format);
  }
  return format;
}

const numberFormat = (locale: Locale) =>
  kept(`number ${locale}`, () => new Intl.NumberFormat(locale));

export function formatPrice(cents: number, currency: string, locale: Locale): string {
  return kept(
    `price ${locale} ${currency}`,
    () => new Intl.NumberFormat(locale, { style: 'currency', currency }),
  ).format(cents / 100);
}

/** "every 24 days" in the locale, pluralised by Intl.PluralRules. */
export function everyDays(days: number, locale: Locale): string {
  const plural = kept(`plural ${locale}`, () => new Intl.PluralRules(locale));
  const rule = plural.select(days) === 'one' ? 'one' : 'other';
  return EVERY[locale][rule](numberFormat(locale).format(days));
}

/** "2 days ago", "yesterday", "today" — or their French forms. */
export function daysAgo(days: number, locale: Locale): string {
  return kept(
    `relative ${locale}`,
    () => new Intl.RelativeTimeFormat(locale, { numeric: 'auto' }),
  ).format(-days, 'day');
}

function partsFor(order: Order, reason: string | null, locale: Locale): Parts {
  const quantity = numberFormat(locale).format(order.quantity);
  return {
    name: order.skuName,
    item: `${quantity} × ${order.skuName}`,
    price: formatPrice(order.unitPriceCents, order.currency, locale),
    accepted:
      order.acceptedPriceCents === null
        ? null
        : formatPrice(order.acceptedPriceCents, order.currency, locale),
    reason,
    every: everyDays(order.guard?.usualIntervalDays ?? 0, locale),
    since: daysAgo(order.guard?.daysSinceLast ?? 0, locale),
  };
}

function sentenceFor(event: OrderEvent, sentences: Sentences): (p: Parts) => string {
  if (event.type !== 'OrderNeedsConfirmation') return sentences[event.type];
  switch (event.order.guard?.reason) {
    case 'EARLY_REORDER':
      return sentences.early;
    case 'QUIET_HOURS':
      return sentences.quietHours;
    case 'CHILD_LOCK':
      return sentences.childLock;
    default:
      return event.order.acceptedPriceCents === null
        ? sentences.firstOrder
        : sentences.OrderNeedsConfirmation;
  }
}

/** The household's message about an order event, in every language. */
export function textsFor(event: OrderEvent): Texts {
  const reason = event.order.history[event.order.history.length - 1]?.reason ?? null;
  const texts = {} as Texts;
  for (const locale of LOCALES) {
    texts[locale] = sentenceFor(event, SENTENCES[locale])(partsFor(event.order, reason, locale));
  }
  return texts;
}

/** The next-need reminder, in every language. */
export function reminderTexts(input: {
  name: string;
  usualIntervalDays: number;
  daysSinceLast: number;
}): Texts {
  const texts = {} as Texts;
  for (const locale of LOCALES) {
    texts[locale] = SENTENCES[locale].reminder({
      name: input.name,
      item: input.name,
      price: '',
      accepted: null,
      reason: null,
      every: everyDays(input.usualIntervalDays, locale),
      since: daysAgo(input.daysSinceLast, locale),
    });
  }
  return texts;
}
