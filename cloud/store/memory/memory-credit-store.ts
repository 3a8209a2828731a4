/** In-memory CreditStore with the same conditions as DynamoCreditStore (same contract suite). */
import type { CreditStore, LedgerClaim } from '../../core/credits/credit-store.ts';
import type { LedgerEntry, WelcomeCredit } from '../../core/credits/welcome-credit.ts';
import { clone, type MemoryTable, skuKey } from './memory-table.ts';

const ledgerKey = (entry: LedgerEntry) =>
  entry.kind === 'button'
    ? `button#${entry.deviceId}`
    : `holder#${entry.holder}#${entry.brandId}#${entry.skuId}`;

export class MemoryCreditStore implements CreditStore {
  constructor(private readonly table: MemoryTable) {}

  async getCredit(brandId: string, skuId: string): Promise<WelcomeCredit | null> {
    const credit = this.table.welcomeCredits.get(skuKey(brandId, skuId));
    return credit ? clone(credit) : null;
  }

  async listCredits(brandId: string): Promise<WelcomeCredit[]> {
    return [...this.table.welcomeCredits.values()]
      .filter((credit) => credit.brandId === brandId)
      .sort((a, b) => (a.skuId < b.skuId ? -1 : 1))
      .map(clone);
  }

  async putCredit(credit: WelcomeCredit): Promise<void> {
    this.table.welcomeCredits.set(skuKey(credit.brandId, credit.skuId), clone(credit));
  }

  async deleteCredit(brandId: string, skuId: string): Promise<boolean> {
    return this.table.welcomeCredits.delete(skuKey(brandId, skuId));
  }

  async useLedgerEntry(entry: LedgerEntry, orderId: string, at: number): Promise<LedgerClaim> {
    const key = ledgerKey(entry);
    const held = this.table.creditLedger.get(key);
    if (held && held.orderId !== orderId) return 'taken';
    this.table.creditLedger.set(key, { orderId, at });
    return 'used';
  }

  async returnLedgerEntry(entry: LedgerEntry, orderId: string): Promise<void> {
    const key = ledgerKey(entry);
    if (this.table.creditLedger.get(key)?.orderId === orderId) this.table.creditLedger.delete(key);
  }

  async ledgerEntry(entry: LedgerEntry): Promise<string | null> {
    return this.table.creditLedger.get(ledgerKey(entry))?.orderId ?? null;
  }
}
