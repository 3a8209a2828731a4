/**
 * Brands' welcome-credit offers, and the delivery step that applies them: a SHIPPED order is
 * reported DELIVERED with the credit as its discount when the ledger lets it have one (see
 * welcome-credit.ts for the rule). The grant comes before the delivery write, so a crash
 * between them leaves the ledger naming an order still SHIPPED; the retried report finds the
 * entries already this order's and completes the delivery with the same discount.
 */
import type { Catalog } from '../catalog/catalog.ts';
import { RuleViolationError } from '../catalog/errors.ts';
import { IllegalTransitionError, NotFoundError } from '../errors.ts';
import type { OrderActions } from '../households/order-actions.ts';
import type { Actor, Discount, Order } from '../model.ts';
import type { OrderStore } from '../orders/order-store.ts';
import type { Clock } from '../ports.ts';
import type { CreditStore } from './credit-store.ts';
import {
  creditHolder,
  discountFor,
  type LedgerEntry,
  type WelcomeCredit,
} from './welcome-credit.ts';

export interface WelcomeCreditInput {
  amount: number;
  currency: string;
  campaign?: string | undefined;
}

export interface WelcomeCreditsDeps {
  credits: CreditStore;
  orders: OrderStore;
  actions: OrderActions;
  catalog: Catalog;
  clock: Clock;
}

export class WelcomeCredits {
  constructor(private readonly deps: WelcomeCreditsDeps) {}

  list(brandId: string): Promise<WelcomeCredit[]> {
    return this.deps.credits.listCredits(brandId);
  }

  /** Offers (or changes) the credit for one of the brand's SKUs, in that SKU's currency. */
  async offer(brandId: string, skuId: string, input: WelcomeCreditInput): Promise<WelcomeCredit> {
    const sku = await this.deps.catalog.get(brandId, skuId);
    if (input.currency !== sku.currency) {
      throw new RuleViolationError(
        'CURRENCY_MISMATCH',
        `SKU ${skuId} is sold in ${sku.currency}; the credit must be in ${sku.currency} too`,
        { skuId, currency: input.currency },
      );
    }
    const credit: WelcomeCredit = {
      brandId,
      skuId,
      amount: input.amount,
      currency: input.currency,
      campaign: input.campaign ?? null,
      updatedAt: this.deps.clock.now(),
    };
    await this.deps.credits.putCredit(credit);
    return credit;
  }

  /** Ends the offer; credits already granted stay on their orders (and in the ledger). */
  async withdraw(brandId: string, skuId: string): Promise<void> {
    if (!(await this.deps.credits.deleteCredit(brandId, skuId))) {
      throw new NotFoundError('welcome credit', skuId);
    }
  }

  /**
   * Reports a SHIPPED order DELIVERED, with the welcome credit when it is due. Reporting an
   * order that is DELIVERED already answers it as it is (a retried report is harmless).
   */
  async deliver(orderId: string, actor: Actor): Promise<Order> {
    const order = await this.deps.orders.getOrder(orderId);
    if (order?.status === 'DELIVERED') return order;
    const discount = order?.status === 'SHIPPED' ? await this.grant(order) : null;
    try {
      return await this.deps.actions.deliver(orderId, actor, discount ?? undefined);
    } catch (error) {
      // A concurrent report delivered it first (with the same grant): answer with that one.
      if (!(error instanceof IllegalTransitionError)) throw error;
      const now = await this.deps.orders.getOrder(orderId);
      if (now?.status === 'DELIVERED') return now;
      throw error;
    }
  }

  /**
   * Uses the household's entry, then the button's; when the button's is another order's, the
   * household's goes back (it was not used). Each write is idempotent for this order.
   */
  async grant(order: Order): Promise<Discount | null> {
    if (order.test) return null;
    const credit = await this.deps.credits.getCredit(order.brandId, order.skuId);
    const discount = credit ? discountFor(credit, order) : null;
    if (!discount) return null;
    const { credits, clock } = this.deps;
    const holder: LedgerEntry = {
      kind: 'holder',
      holder: creditHolder(order.householdId),
      brandId: order.brandId,
      skuId: order.skuId,
    };
    const button: LedgerEntry = { kind: 'button', deviceId: order.deviceId };
    if ((await credits.useLedgerEntry(holder, order.orderId, clock.now())) === 'taken') return null;
    if ((await credits.useLedgerEntry(button, order.orderId, clock.now())) === 'taken') {
      await credits.returnLedgerEntry(holder, order.orderId);
      return null;
    }
    return discount;
  }
}
