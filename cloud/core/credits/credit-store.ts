/**
 * The port for welcome credits: the brand's offers and the ledger of credits used. Adapters:
 * DynamoCreditStore and MemoryCreditStore, both run the same contract suite.
 */
import type { LedgerEntry, WelcomeCredit } from './welcome-credit.ts';

/** `used`: this call (or an earlier one for the same order) holds the entry; `taken`: another order does. */
export type LedgerClaim = 'used' | 'taken';

export interface CreditStore {
  getCredit(brandId: string, skuId: string): Promise<WelcomeCredit | null>;
  /** By SKU id. */
  listCredits(brandId: string): Promise<WelcomeCredit[]>;
  putCredit(credit: WelcomeCredit): Promise<void>;
  /** False when there was none. */
  deleteCredit(brandId: string, skuId: string): Promise<boolean>;
  /** Writes the entry for `orderId` if it is absent or already that order's (one conditional write). */
  useLedgerEntry(entry: LedgerEntry, orderId: string, at: number): Promise<LedgerClaim>;
  /** Gives the entry back, if `orderId` holds it (conditional delete). */
  returnLedgerEntry(entry: LedgerEntry, orderId: string): Promise<void>;
  /** The order that used the entry, or null. */
  ledgerEntry(entry: LedgerEntry): Promise<string | null>;
}
