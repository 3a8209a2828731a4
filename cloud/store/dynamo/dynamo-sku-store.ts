/** DynamoDB adapter for SkuStore: SKUs live in their brand's partition (keys.sku). */
import { GetCommand, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { SkuStore } from '../../core/catalog/sku-store.ts';
import type { Sku } from '../../core/model.ts';
import type { Page, PageRequest } from '../../core/page.ts';
import { decodeKeyCursor, encodeCursor } from '../page-cursor.ts';
import { conditional, guarded } from './dynamo-errors.ts';
import { fromSkuItem, toSkuItem } from './sku-item.ts';
import type { Table } from './table.ts';
import { keys } from './table-keys.ts';

export class DynamoSkuStore implements SkuStore {
  constructor(private readonly table: Table) {}

  async getSku(brandId: string, skuId: string): Promise<Sku | null> {
    const { Item } = await guarded('getSku', () =>
      this.table.doc.send(
        new GetCommand({ TableName: this.table.name, Key: keys.sku(brandId, skuId) }),
      ),
    );
    return Item ? fromSkuItem(Item) : null;
  }

  async listSkus(brandId: string, page: PageRequest): Promise<Page<Sku>> {
    const { pk } = keys.brand(brandId);
    const start = decodeKeyCursor(page.cursor, { pk });
    const out = await guarded('listSkus', () =>
      this.table.doc.send(
        new QueryCommand({
          TableName: this.table.name,
          KeyConditionExpression: 'pk = :pk AND begins_with(sk, :sku)',
          ExpressionAttributeValues: { ':pk': pk, ':sku': 'SKU#' },
          Limit: page.limit,
          ExclusiveStartKey: start,
        }),
      ),
    );
    return {
      items: (out.Items ?? []).map(fromSkuItem),
      cursor: encodeCursor(out.LastEvaluatedKey),
    };
  }

  createSku(sku: Sku): Promise<boolean> {
    return conditional('createSku', () =>
      this.table.doc.send(
        new PutCommand({
          TableName: this.table.name,
          Item: toSkuItem(sku),
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      ),
    );
  }

  replaceSku(sku: Sku, expectedUpdatedAt: number): Promise<boolean> {
    // The SKU item belongs to the API alone, so a whole-item put under an optimistic lock is safe.
    return conditional('replaceSku', () =>
      this.table.doc.send(
        new PutCommand({
          TableName: this.table.name,
          Item: toSkuItem(sku),
          ConditionExpression: 'updatedAt = :expected',
          ExpressionAttributeValues: { ':expected': expectedUpdatedAt },
        }),
      ),
    );
  }
}
