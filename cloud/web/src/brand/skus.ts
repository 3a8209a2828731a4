/**
 * SKUs: create one, edit its name, price, order limit, usual interval and stock, retire it (kept
 * for past orders; no button can be bound to it any more). The list pages like the API.
 */
import type { Api } from '../api.ts';
import { field, fill, h, panel } from '../dom.ts';
import { money, when } from '../format.ts';
import { t } from '../i18n.ts';
import type { Page, Sku } from '../types.ts';
import { bm } from './messages.ts';
import { centsOf, majorUnits } from './money-input.ts';
import { pagedTable } from './paged.ts';
import type { Screen } from './screen.ts';

export const skusScreen: Screen = { id: 'skus', title: () => bm().skusTitle, render: skusView };

function skusView(api: Api): HTMLElement {
  const m = t();
  const b = bm();
  const list = panel(m.skus, 'skus');
  const create = panel(b.newSku, 'new-sku');
  const edit = panel(b.editSku, 'edit-sku');
  edit.el.hidden = true;

  const skus = pagedTable<Sku>({
    caption: m.skus,
    empty: m.noSkus(api.session.tenant ?? ''),
    load: (query) => api.get<Page<Sku>>(`/v1/brand/skus?${query}`),
    onError: (message) => list.say(message, 'error'),
    rowAttrs: (s) => ({ 'data-sku': s.skuId }),
    columns: [
      [m.sku, (s) => h('code', {}, s.skuId)],
      [m.skuName, (s) => s.name],
      [m.price, (s) => money(s.priceCents, s.currency)],
      [b.maxQuantity, (s) => s.maxQuantity],
      [m.stock, (s) => (s.retired ? m.retired : s.inStock ? m.inStock : m.outOfStock)],
      [b.updated, (s) => when(s.updatedAt)],
      [
        m.actions,
        (s) =>
          s.retired
            ? null
            : h(
                'div',
                { class: 'row' },
                h(
                  'button',
                  {
                    type: 'button',
                    class: 'secondary',
                    'aria-label': b.editNamed(s.skuId),
                    onclick: () => openEditor(s),
                  },
                  b.edit,
                ),
                stockSwitch(s),
              ),
      ],
    ],
  });
  fill(list.body, skus.el);

  /** In or out of stock in one click, without opening the editor. */
  function stockSwitch(sku: Sku): HTMLButtonElement {
    const label = sku.inStock ? m.markOut : m.markIn;
    return h(
      'button',
      {
        type: 'button',
        class: 'secondary',
        // The visible text first, so speech users can say what they see.
        'aria-label': m.markFor(label, sku.skuId),
        onclick: async () => {
          try {
            await api.patch(`/v1/brand/skus/${encodeURIComponent(sku.skuId)}`, {
              inStock: !sku.inStock,
            });
            await skus.refresh();
            list.say(m.nowStock(sku.skuId, !sku.inStock));
          } catch (error) {
            list.say((error as Error).message, 'error');
          }
        },
      },
      label,
    );
  }

  // --- create ---
  const skuId = h('input', { name: 'skuId', required: true, autocomplete: 'off', maxlength: 64 });
  const name = h('input', { name: 'name', required: true, maxlength: 200 });
  const price = moneyField();
  const currency = h('input', {
    name: 'currency',
    required: true,
    value: 'EUR',
    pattern: '[A-Z]{3}',
    maxlength: 3,
    size: 4,
  });
  const maxQuantity = h('input', {
    name: 'maxQuantity',
    type: 'number',
    min: 1,
    max: 99,
    value: 1,
    required: true,
  });
  const interval = h('input', { name: 'usualIntervalDays', type: 'number', min: 1, max: 365 });
  const inStock = h('input', { name: 'inStock', type: 'checkbox', checked: true });
  const createForm = h(
    'form',
    { class: 'grid-form' },
    field(m.sku, skuId, b.skuIdHint),
    field(m.skuName, name),
    field(b.priceLabel, price),
    field(b.currency, currency, b.currencyHint),
    field(b.maxQuantity, maxQuantity),
    field(b.usualInterval, interval, b.usualIntervalHint),
    h('label', { class: 'check' }, inStock, m.inStock),
    h('button', { type: 'submit' }, b.createSku),
  );
  createForm.addEventListener('submit', async (event) => {
    event.preventDefault();
    try {
      const created = await api.post<Sku>('/v1/brand/skus', {
        skuId: skuId.value.trim(),
        name: name.value.trim(),
        priceCents: centsOf(price.value),
        currency: currency.value.trim(),
        maxQuantity: Number(maxQuantity.value),
        inStock: inStock.checked,
        usualIntervalDays: interval.value ? Number(interval.value) : null,
      });
      createForm.reset();
      await skus.reload();
      create.say(b.skuCreated(created.skuId));
    } catch (error) {
      create.say((error as Error).message, 'error');
    }
  });
  fill(create.body, createForm);

  // --- edit and retire ---
  function openEditor(sku: Sku): void {
    edit.el.hidden = false;
    edit.say('');
    const editName = h('input', { name: 'name', required: true, maxlength: 200, value: sku.name });
    const editPrice = moneyField(majorUnits(sku.priceCents));
    const editMax = h('input', {
      name: 'maxQuantity',
      type: 'number',
      min: 1,
      max: 99,
      required: true,
      value: sku.maxQuantity,
    });
    const editInterval = h('input', {
      name: 'usualIntervalDays',
      type: 'number',
      min: 1,
      max: 365,
      value: sku.usualIntervalDays ?? '',
    });
    const editStock = h('input', { name: 'inStock', type: 'checkbox', checked: sku.inStock });
    const form = h(
      'form',
      { class: 'grid-form', 'data-editing': sku.skuId },
      h('p', { class: 'wide' }, b.editing(sku.skuId, sku.currency)),
      field(m.skuName, editName),
      field(b.priceLabel, editPrice, b.priceChangeHint),
      field(b.maxQuantity, editMax),
      field(b.usualInterval, editInterval, b.usualIntervalHint),
      h('label', { class: 'check' }, editStock, m.inStock),
      h(
        'div',
        { class: 'row wide' },
        h('button', { type: 'submit' }, b.saveSku),
        h(
          'button',
          { type: 'button', class: 'secondary', onclick: () => void close() },
          b.closeEditor,
        ),
      ),
    );
    form.addEventListener('submit', async (event) => {
      event.preventDefault();
      try {
        // Only what changed: an unchanged price must not add to the price history.
        const wanted: Record<string, unknown> = {
          name: editName.value.trim(),
          priceCents: centsOf(editPrice.value),
          maxQuantity: Number(editMax.value),
          inStock: editStock.checked,
          usualIntervalDays: editInterval.value ? Number(editInterval.value) : null,
        };
        const changes = Object.fromEntries(
          Object.entries(wanted).filter(
            ([key, value]) => value !== ((sku as Record<string, unknown>)[key] ?? null),
          ),
        );
        if (Object.keys(changes).length === 0) {
          edit.say(b.nothingChanged);
          return;
        }
        await api.patch<Sku>(`/v1/brand/skus/${encodeURIComponent(sku.skuId)}`, changes);
        close();
        await skus.refresh();
        list.say(b.skuSaved(sku.skuId));
      } catch (error) {
        edit.say((error as Error).message, 'error');
      }
    });
    const understood = h('input', { type: 'checkbox', name: 'retireUnderstood' });
    const retire = h(
      'form',
      { class: 'retire' },
      h('h3', {}, b.retireTitle),
      h('p', {}, b.retireExplained),
      h('label', { class: 'check' }, understood, b.retireUnderstood(sku.skuId)),
      h('button', { type: 'submit', class: 'danger' }, b.retireNamed(sku.skuId)),
    );
    retire.addEventListener('submit', async (event) => {
      event.preventDefault();
      if (!understood.checked) {
        edit.say(b.retireTickFirst, 'error');
        understood.focus();
        return;
      }
      try {
        await api.post<Sku>(`/v1/brand/skus/${encodeURIComponent(sku.skuId)}/retire`, {});
        close();
        await skus.refresh();
        list.say(b.skuRetired(sku.skuId));
      } catch (error) {
        edit.say((error as Error).message, 'error');
      }
    });
    fill(edit.body, form, retire);
    editName.focus();
  }

  function close(): void {
    edit.el.hidden = true;
    fill(edit.body);
  }

  void skus.reload();
  return h('div', { class: 'view' }, list.el, edit.el, create.el);
}

function moneyField(value = ''): HTMLInputElement {
  return h('input', {
    name: 'price',
    required: true,
    inputmode: 'decimal',
    pattern: '\\d+([.,]\\d{1,2})?',
    value,
  });
}
