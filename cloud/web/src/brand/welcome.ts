/**
 * Welcome credit: an amount per SKU (optionally named for a campaign) taken off the first
 * delivered order of each newly claimed button. On a server without it the screen says so.
 */
import { type Api, routeMissing } from '../api.ts';
import { field, fill, h, panel, table } from '../dom.ts';
import { money } from '../format.ts';
import { t } from '../i18n.ts';
import type { Sku } from '../types.ts';
import { bm } from './messages.ts';
import { centsOf } from './money-input.ts';
import { notAvailable, type Screen } from './screen.ts';

export const welcomeScreen: Screen = {
  id: 'welcome',
  title: () => bm().welcomeTitle,
  render: welcomeView,
};

export interface WelcomeCredit {
  skuId: string;
  amount: number;
  currency: string;
  campaign?: string | null;
}

/** The list as a bare array or as a page: the route may be paged. */
function creditsOf(answer: WelcomeCredit[] | { items: WelcomeCredit[] }): WelcomeCredit[] {
  return Array.isArray(answer) ? answer : answer.items;
}

function welcomeView(api: Api): HTMLElement {
  const m = t();
  const b = bm();
  const credits = panel(b.welcomeTitle, 'welcome-credits');
  const set = panel(b.setCreditTitle, 'set-credit');
  const view = h('div', { class: 'view' }, credits.el, set.el);
  let skus: Sku[] = [];

  async function load(): Promise<void> {
    let list: WelcomeCredit[];
    try {
      list = creditsOf(await api.get('/v1/brand/welcome-credits'));
    } catch (error) {
      if (routeMissing(error)) {
        notAvailable(credits, b.welcomeTitle);
        set.el.hidden = true;
        return;
      }
      credits.say((error as Error).message, 'error');
      return;
    }
    fill(
      credits.body,
      h('p', {}, b.welcomeExplained),
      table<WelcomeCredit>(
        b.welcomeTitle,
        [
          [m.sku, (c) => h('code', {}, c.skuId)],
          [b.credit, (c) => money(c.amount, c.currency)],
          [b.campaign, (c) => c.campaign || '—'],
          [
            m.actions,
            (c) =>
              h(
                'button',
                {
                  type: 'button',
                  class: 'secondary',
                  'aria-label': b.removeNamed(c.skuId),
                  onclick: async () => {
                    try {
                      await api.delete(`/v1/brand/welcome-credits/${encodeURIComponent(c.skuId)}`);
                      await load();
                      credits.say(b.creditRemoved(c.skuId));
                    } catch (error) {
                      credits.say((error as Error).message, 'error');
                    }
                  },
                },
                b.remove,
              ),
          ],
        ],
        list,
        b.noCredits,
        (c) => ({ 'data-sku': c.skuId }),
      ),
    );
    renderForm();
  }

  function renderForm(): void {
    const sku = h(
      'select',
      { name: 'skuId', required: true },
      skus.map((s) => h('option', { value: s.skuId, 'data-currency': s.currency }, s.skuId)),
    );
    const amount = h('input', {
      name: 'amount',
      required: true,
      inputmode: 'decimal',
      pattern: '\\d+([.,]\\d{1,2})?',
      placeholder: '4.99',
    });
    const currency = h('input', {
      name: 'currency',
      required: true,
      pattern: '[A-Z]{3}',
      maxlength: 3,
      size: 4,
      value: skus[0]?.currency ?? 'EUR',
    });
    sku.addEventListener('change', () => {
      currency.value = skus.find((s) => s.skuId === sku.value)?.currency ?? currency.value;
    });
    const campaign = h('input', { name: 'campaign', maxlength: 100 });
    const form = h(
      'form',
      { class: 'grid-form' },
      field(m.sku, sku),
      field(b.creditAmount, amount),
      field(b.currency, currency),
      field(b.campaignOptional, campaign),
      h('button', { type: 'submit' }, b.setCredit),
    );
    form.addEventListener('submit', async (event) => {
      event.preventDefault();
      try {
        await api.put(`/v1/brand/welcome-credits/${encodeURIComponent(sku.value)}`, {
          amount: centsOf(amount.value),
          currency: currency.value.trim(),
          ...(campaign.value.trim() ? { campaign: campaign.value.trim() } : {}),
        });
        await load();
        set.say(b.creditSet(sku.value));
      } catch (error) {
        set.say((error as Error).message, 'error');
      }
    });
    fill(set.body, form);
  }

  void (async () => {
    try {
      skus = (await api.all<Sku>('/v1/brand/skus')).filter((s) => !s.retired);
    } catch (error) {
      set.say((error as Error).message, 'error');
    }
    await load();
  })();
  return view;
}
