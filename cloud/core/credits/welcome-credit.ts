/**
 * Welcome credit: a brand's per-SKU amount taken off the first delivered order of a button.
 *
 * The rule: a credit is granted at most once per button (over its whole life, whoever holds
 * it) and at most once per household and SKU (a second button of the same SKU gets none). Both
 * limits live in a credit ledger whose entries name the order that used them; granting is a
 * conditional write on each entry ("absent, or already this order's"), so a retry, a duplicate
 * delivery report or a crash between calls grants the same credit to the same order again and
 * never a second one. The household's entry is keyed by a one-way pseudonym of its id, so an
 * erased household's entry still blocks a second credit without keeping who it was.
 */
import { createHash } from 'node:crypto';
import type { Discount, Order } from '../model.ts';

/** What a brand offers for a SKU (integer minor units, in the SKU's currency). */
export interface WelcomeCredit {
  brandId: string;
  skuId: string;
  amount: number;
  currency: string;
  campaign: string | null;
  updatedAt: number;
}

/** One use of a credit, and which order used it. */
export type LedgerEntry =
  | { kind: 'button'; deviceId: string }
  | { kind: 'holder'; holder: string; brandId: string; skuId: string };

/**
 * The household's id as the ledger keeps it: a SHA-256 under a fixed label. Household ids are
 * opaque random identifiers (token subjects), so the pseudonym names nobody once the account is
 * erased, yet the same household always maps to the same entry.
 */
export function creditHolder(householdId: string): string {
  return createHash('sha256').update(`restock/welcome-credit/v1\0${householdId}`).digest('hex');
}

/** The discount `credit` gives `order`: capped at the order's value; null in another currency. */
export function discountFor(credit: WelcomeCredit, order: Order): Discount | null {
  if (credit.currency !== order.currency) return null;
  const amount = Math.min(credit.amount, order.unitPriceCents * order.quantity);
  if (amount <= 0) return null;
  return { kind: 'WELCOME_CREDIT', amount, currency: credit.currency, campaign: credit.campaign };
}
