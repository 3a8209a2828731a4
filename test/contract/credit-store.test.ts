/**
 * The CreditStore contract on every store: offers per brand and SKU, and ledger entries that
 * one order holds at most — written again by the same order as often as it likes, never by
 * another, and given back only by the order holding them.
 */
import { expect, it } from 'vitest';
import type { LedgerEntry, WelcomeCredit } from '../../cloud/core/credits/welcome-credit.ts';
import { describeOnEveryStore } from '../helpers/stores.ts';

const offer = (brandId: string, skuId: string, amount = 499): WelcomeCredit => ({
  brandId,
  skuId,
  amount,
  currency: 'EUR',
  campaign: null,
  updatedAt: 1,
});

const button: LedgerEntry = { kind: 'button', deviceId: 'btn-1' };
const holder: LedgerEntry = { kind: 'holder', holder: 'ab12', brandId: 'acme', skuId: 'coffee' };

describeOnEveryStore('CreditStore', (open) => {
  it('keeps offers per brand and SKU, replaced by a later put, deleted once', async () => {
    const { api } = await open();
    await api.credits.putCredit(offer('acme', 'tea'));
    await api.credits.putCredit(offer('acme', 'coffee'));
    await api.credits.putCredit({ ...offer('acme', 'coffee', 299), campaign: 'spring' });
    await api.credits.putCredit(offer('globex', 'soap'));
    expect(await api.credits.listCredits('acme')).toEqual([
      { ...offer('acme', 'coffee', 299), campaign: 'spring' },
      offer('acme', 'tea'),
    ]);
    expect(await api.credits.getCredit('globex', 'coffee')).toBeNull();
    expect(await api.credits.deleteCredit('globex', 'coffee')).toBe(false);
    expect(await api.credits.deleteCredit('acme', 'tea')).toBe(true);
    expect(await api.credits.deleteCredit('acme', 'tea')).toBe(false);
    expect(await api.credits.getCredit('acme', 'tea')).toBeNull();
  });

  it('lets one order hold a ledger entry, again and again, and no other order', async () => {
    const { api } = await open();
    expect(await api.credits.ledgerEntry(button)).toBeNull();
    expect(await api.credits.useLedgerEntry(button, 'btn-1-1', 10)).toBe('used');
    expect(await api.credits.useLedgerEntry(button, 'btn-1-1', 11)).toBe('used');
    expect(await api.credits.useLedgerEntry(button, 'btn-1-2', 12)).toBe('taken');
    expect(await api.credits.ledgerEntry(button)).toBe('btn-1-1');
    // Entries are independent of each other.
    expect(await api.credits.useLedgerEntry(holder, 'btn-1-2', 12)).toBe('used');
  });

  it('gives an entry back only for the order holding it', async () => {
    const { api } = await open();
    await api.credits.useLedgerEntry(holder, 'btn-1-1', 10);
    await api.credits.returnLedgerEntry(holder, 'btn-1-2');
    expect(await api.credits.ledgerEntry(holder)).toBe('btn-1-1');
    await api.credits.returnLedgerEntry(holder, 'btn-1-1');
    expect(await api.credits.ledgerEntry(holder)).toBeNull();
    await api.credits.returnLedgerEntry(holder, 'btn-1-1');
    expect(await api.credits.useLedgerEntry(holder, 'btn-1-2', 13)).toBe('used');
  });

  it('lets exactly one of many concurrent orders take an entry', async () => {
    const { api } = await open();
    const orders = Array.from({ length: 20 }, (_, i) => `btn-1-${i + 1}`);
    const results = await Promise.all(
      orders.map((orderId) => api.credits.useLedgerEntry(button, orderId, 1)),
    );
    expect(results.filter((r) => r === 'used')).toHaveLength(1);
    const winner = orders[results.indexOf('used')];
    expect(await api.credits.ledgerEntry(button)).toBe(winner);
  });
});
