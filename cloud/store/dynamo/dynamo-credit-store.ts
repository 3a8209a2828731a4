/**
 * CreditStore on DynamoDB. Offers live in the brand's partition (`WELCOME#{sku}`); each ledger
 * entry is its own item, written with a condition "absent, or already this order's" so that
 * granting is idempotent and at most one order ever holds it. Ledger items carry no personal
 * data: a device id, or a household pseudonym with brand and SKU.
 */
import { DeleteCommand, GetCommand, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { CreditStore, LedgerClaim } from '../../core/credits/credit-store.ts';
import type { LedgerEntry, WelcomeCredit } from '../../core/credits/welcome-credit.ts';
import { conditional, guarded } from './dynamo-errors.ts';
import type { Table } from './table.ts';
import { keys } from './table-keys.ts';

const OFFER_FIELDS = ['brandId', 'skuId', 'amount', 'currency', 'campaign', 'updatedAt'] as const;

function fromOfferItem(item: Record<string, unknown>): WelcomeCredit {
  const credit: Record<string, unknown> = {};
  for (const field of OFFER_FIELDS) credit[field] = item[field] ?? null;
  return credit as unknown as WelcomeCredit;
}

function ledgerKey(entry: LedgerEntry) {
  return entry.kind === 'button'
    ? keys.creditLedgerButton(entry.deviceId)
    : keys.creditLedgerHolder(entry.holder, entry.brandId, entry.skuId);
}

export class DynamoCreditStore implements CreditStore {
  constructor(private readonly table: Table) {}

  async getCredit(brandId: string, skuId: string): Promise<WelcomeCredit | null> {
    const { Item } = await guarded('getCredit', () =>
      this.table.doc.send(
        new GetCommand({ TableName: this.table.name, Key: keys.welcomeCredit(brandId, skuId) }),
      ),
    );
    return Item ? fromOfferItem(Item) : null;
  }

  async listCredits(brandId: string): Promise<WelcomeCredit[]> {
    const credits: WelcomeCredit[] = [];
    let start: Record<string, unknown> | undefined;
    do {
      const page = await guarded('listCredits', () =>
        this.table.doc.send(
          new QueryCommand({
            TableName: this.table.name,
            KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
            ExpressionAttributeValues: { ':pk': keys.brand(brandId).pk, ':prefix': 'WELCOME#' },
            ExclusiveStartKey: start,
          }),
        ),
      );
      credits.push(...(page.Items ?? []).map(fromOfferItem));
      start = page.LastEvaluatedKey;
    } while (start);
    return credits;
  }

  async putCredit(credit: WelcomeCredit): Promise<void> {
    await guarded('putCredit', () =>
      this.table.doc.send(
        new PutCommand({
          TableName: this.table.name,
          Item: {
            ...keys.welcomeCredit(credit.brandId, credit.skuId),
            type: 'welcomeCredit',
            ...credit,
          },
        }),
      ),
    );
  }

  deleteCredit(brandId: string, skuId: string): Promise<boolean> {
    return conditional('deleteCredit', () =>
      this.table.doc.send(
        new DeleteCommand({
          TableName: this.table.name,
          Key: keys.welcomeCredit(brandId, skuId),
          ConditionExpression: 'attribute_exists(pk)',
        }),
      ),
    );
  }

  async useLedgerEntry(entry: LedgerEntry, orderId: string, at: number): Promise<LedgerClaim> {
    const written = await conditional('useLedgerEntry', () =>
      this.table.doc.send(
        new PutCommand({
          TableName: this.table.name,
          Item: { ...ledgerKey(entry), type: 'creditLedger', orderId, at },
          ConditionExpression: 'attribute_not_exists(pk) OR orderId = :order',
          ExpressionAttributeValues: { ':order': orderId },
        }),
      ),
    );
    return written ? 'used' : 'taken';
  }

  async returnLedgerEntry(entry: LedgerEntry, orderId: string): Promise<void> {
    await conditional('returnLedgerEntry', () =>
      this.table.doc.send(
        new DeleteCommand({
          TableName: this.table.name,
          Key: ledgerKey(entry),
          ConditionExpression: 'orderId = :order',
          ExpressionAttributeValues: { ':order': orderId },
        }),
      ),
    );
  }

  async ledgerEntry(entry: LedgerEntry): Promise<string | null> {
    const { Item } = await guarded('ledgerEntry', () =>
      this.table.doc.send(
        new GetCommand({ TableName: this.table.name, Key: ledgerKey(entry), ConsistentRead: true }),
      ),
    );
    return Item ? String(Item.orderId) : null;
  }
}
