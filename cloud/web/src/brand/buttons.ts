/**
 * Buttons: register a batch from a CSV file (or pasted lines) with one result per line and the
 * claim codes to download once; the fleet, paged, each button bound to a SKU from here.
 */
import type { Api } from '../api.ts';
import { field, fill, h, panel, table } from '../dom.ts';
import { battery, when } from '../format.ts';
import { t } from '../i18n.ts';
import type { Button, ButtonRowsResult, Page, Sku } from '../types.ts';
import { claimCodesCsv, parseButtonCsv } from './csv.ts';
import { bm } from './messages.ts';
import { pagedTable } from './paged.ts';
import type { Screen } from './screen.ts';

export const buttonsScreen: Screen = {
  id: 'buttons',
  title: () => bm().buttonsTitle,
  render: buttonsView,
};

/** The API takes this many rows per request; longer files go in several. */
const ROWS_PER_REQUEST = 500;

function buttonsView(api: Api): HTMLElement {
  const m = t();
  const b = bm();
  const register = panel(b.registerTitle, 'register');
  const fleet = panel(m.fleet, 'fleet');
  let activeSkus: Sku[] = [];

  // --- register from CSV ---
  const file = h('input', { type: 'file', name: 'csv', accept: '.csv,text/csv,text/plain' });
  const pasted = h('textarea', { name: 'lines', rows: 4, placeholder: 'btn-0101,SN-0101' });
  const keyVersion = h('input', {
    name: 'keyVersion',
    type: 'number',
    min: 1,
    max: 65535,
    value: 1,
    required: true,
  });
  const results = h('div', { class: 'results' });
  const form = h(
    'form',
    { class: 'grid-form' },
    h('p', { class: 'wide' }, b.csvExplained),
    field(b.csvFile, file),
    field(b.csvPaste, pasted, b.csvPasteHint),
    field(b.keyVersion, keyVersion, b.keyVersionHint),
    h('button', { type: 'submit' }, b.registerButtons),
  );
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    fill(results);
    const text = file.files?.[0] ? await file.files[0].text() : pasted.value;
    const rows = parseButtonCsv(text);
    if (rows.length === 0) {
      register.say(b.csvEmpty, 'error');
      return;
    }
    register.say(b.registering(rows.length));
    form.reset();
    try {
      const outcomes: (ButtonRowsResult['rows'][number] & { line: number })[] = [];
      for (let start = 0; start < rows.length; start += ROWS_PER_REQUEST) {
        const chunk = rows.slice(start, start + ROWS_PER_REQUEST);
        const answer = await api.post<ButtonRowsResult>('/v1/brand/button-rows', {
          keyVersion: Number(keyVersion.value),
          rows: chunk.map(({ deviceId, serial }) => ({ deviceId, serial })),
        });
        for (const row of answer.rows) {
          outcomes.push({ ...row, line: chunk[row.row - 1]?.line ?? row.row });
        }
      }
      const done = outcomes.filter((o) => o.outcome === 'REGISTERED');
      register.say(
        b.registered(done.length, outcomes.length - done.length),
        done.length === outcomes.length ? 'info' : 'error',
      );
      fill(
        results,
        done.length > 0 ? downloadCodes(done) : null,
        table(
          b.rowResults,
          [
            [b.line, (o) => o.line],
            [m.button, (o) => h('code', {}, o.deviceId || '—')],
            [m.serial, (o) => o.serial || '—'],
            [
              b.result,
              (o) =>
                h(
                  'span',
                  {
                    class: `badge badge-${o.outcome === 'REGISTERED' ? 'delivered' : 'cancelled'}`,
                  },
                  o.outcome === 'REGISTERED' ? b.rowRegistered : b.rowRefused,
                ),
            ],
            [b.claimCodeOrReason, (o) => (o.claimCode ? h('code', {}, o.claimCode) : o.reason)],
          ],
          outcomes,
          '',
          (o) => ({ 'data-line': o.line, 'data-outcome': o.outcome }),
        ),
      );
      await buttons.reload();
    } catch (error) {
      register.say((error as Error).message, 'error');
    }
  });
  fill(register.body, form, results);

  function downloadCodes(done: { deviceId: string; serial: string; claimCode: string | null }[]) {
    return h(
      'p',
      { class: 'row' },
      b.claimCodesOnce,
      h(
        'button',
        {
          type: 'button',
          class: 'secondary',
          onclick: () => {
            const csv = claimCodesCsv(done.map((d) => ({ ...d, claimCode: d.claimCode ?? '' })));
            const url = URL.createObjectURL(new Blob([csv], { type: 'text/csv' }));
            h('a', { href: url, download: 'claim-codes.csv' }).click();
            setTimeout(() => URL.revokeObjectURL(url), 10_000);
          },
        },
        b.downloadClaimCodes,
      ),
    );
  }

  // --- fleet, with binding ---
  function bindForm(button: Button): HTMLElement {
    const select = h(
      'select',
      { name: 'skuId', 'aria-label': b.skuFor(button.deviceId) },
      h('option', { value: '' }, m.unbound),
      activeSkus.map((s) =>
        h('option', { value: s.skuId, selected: s.skuId === button.settings.skuId }, s.skuId),
      ),
    );
    const form = h(
      'form',
      { class: 'inline' },
      select,
      h(
        'button',
        { type: 'submit', class: 'secondary', 'aria-label': b.bindNamed(button.deviceId) },
        b.bind,
      ),
    );
    form.addEventListener('submit', async (event) => {
      event.preventDefault();
      if (!select.value) {
        fleet.say(b.chooseSku, 'error');
        return;
      }
      try {
        await api.put<Button>(`/v1/brand/buttons/${encodeURIComponent(button.deviceId)}/sku`, {
          skuId: select.value,
        });
        const skuId = select.value;
        await buttons.refresh();
        fleet.say(b.bound(button.deviceId, skuId));
      } catch (error) {
        fleet.say((error as Error).message, 'error');
      }
    });
    return form;
  }

  const buttons = pagedTable<Button>({
    caption: m.fleet,
    empty: m.noFleet(api.session.tenant ?? ''),
    load: (query) => api.get<Page<Button>>(`/v1/brand/buttons?${query}`),
    onError: (message) => fleet.say(message, 'error'),
    rowAttrs: (button) => ({ 'data-device': button.deviceId }),
    columns: [
      [m.button, (button) => h('code', {}, button.deviceId)],
      [m.serial, (button) => button.serial],
      [m.sku, (button) => button.settings.skuId ?? m.unbound],
      [m.claimedColumn, (button) => (button.claimed ? m.yes : m.no)],
      [m.battery, (button) => battery(button.batteryMv)],
      [m.lastSeen, (button) => when(button.lastPressAt)],
      [b.bindTo, bindForm],
    ],
  });
  fill(fleet.body, buttons.el);

  void (async () => {
    try {
      activeSkus = (await api.all<Sku>('/v1/brand/skus')).filter((s) => !s.retired);
    } catch (error) {
      fleet.say((error as Error).message, 'error');
    }
    await buttons.reload();
  })();
  return h('div', { class: 'view' }, fleet.el, register.el);
}
