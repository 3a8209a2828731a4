/**
 * Support view: find a button, household or order; a button's press log as a timeline; cancel
 * an order with a required reason; the audit trail (every support action, reads included).
 */
import type { Api } from './api.ts';
import { field, fill, h, panel, table } from './dom.ts';
import { battery, when } from './format.ts';
import { orderTotal, statusBadge } from './orders.ts';
import type { AuditEntry, Order, PressLogEntry, SupportButton, SupportHousehold } from './types.ts';

type Kind = 'button' | 'household' | 'order';

export function supportView(api: Api): HTMLElement {
  const search = panel('Find', 'search');
  const result = panel('Result', 'result');
  const audit = panel('Audit trail', 'audit', [
    h('button', { type: 'button', onclick: () => void loadAudit() }, 'Refresh'),
  ]);
  result.el.hidden = true;

  const kind = h(
    'select',
    { name: 'kind' },
    h('option', { value: 'button' }, 'Button'),
    h('option', { value: 'household' }, 'Household'),
    h('option', { value: 'order' }, 'Order'),
  );
  const query = h('input', {
    name: 'query',
    required: true,
    autocomplete: 'off',
    placeholder: 'e.g. demo-1, hh-demo, demo-1-1',
  });
  const form = h(
    'form',
    { class: 'search', role: 'search' },
    field('Look up a', kind),
    field('Id', query),
    h('button', { type: 'submit' }, 'Search'),
  );
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    void open(kind.value as Kind, query.value.trim());
  });
  fill(search.body, form);

  async function open(what: Kind, id: string): Promise<void> {
    if (!id) return;
    result.el.hidden = false;
    result.say(`Loading ${what} ${id}…`);
    try {
      if (what === 'button') await showButton(id);
      else if (what === 'household') await showHousehold(id);
      else await showOrder(id);
      result.say('');
    } catch (error) {
      fill(result.body);
      result.say((error as Error).message, 'error');
    }
    void loadAudit();
  }

  const link = (what: Kind, id: string) =>
    h('button', { type: 'button', class: 'link', onclick: () => void open(what, id) }, id);

  async function showButton(deviceId: string): Promise<void> {
    const button = await api.get<SupportButton>(
      `/v1/support/buttons/${encodeURIComponent(deviceId)}`,
    );
    const presses = await api.get<{ items: PressLogEntry[] }>(
      `/v1/support/buttons/${encodeURIComponent(deviceId)}/presses?limit=50`,
    );
    fill(
      result.body,
      h('h3', {}, `Button ${button.deviceId}`),
      h(
        'dl',
        { class: 'facts' },
        fact('Brand', button.brandId),
        fact('Serial', button.serial),
        fact(
          'Household',
          button.householdId ? link('household', button.householdId) : 'not claimed',
        ),
        fact('SKU', button.settings.skuId ?? 'none'),
        fact('Quantity', String(button.settings.quantity)),
        fact('Last press', when(button.lastPressAt)),
        fact('Battery', battery(button.batteryMv)),
        fact('Highest sequence number', String(button.highWaterMark)),
        fact(
          'Open orders',
          button.openOrders.length === 0
            ? 'none'
            : h(
                'span',
                {},
                button.openOrders.map((o) =>
                  h(
                    'span',
                    { class: 'chip' },
                    link('order', o.orderId),
                    ' ',
                    statusBadge(o.status),
                  ),
                ),
              ),
        ),
      ),
      h('h3', {}, 'Press log'),
      presses.items.length === 0
        ? h('p', { class: 'empty' }, 'No presses recorded.')
        : h(
            'ol',
            { class: 'timeline', 'aria-label': `Press log of ${button.deviceId}` },
            presses.items.map((p) =>
              h(
                'li',
                { class: `press outcome-${p.outcome.toLowerCase()}`, 'data-seq': p.seq ?? '' },
                h('time', {}, when(p.receivedAt)),
                h(
                  'div',
                  {},
                  h('strong', {}, p.outcome.replace('_', ' ')),
                  p.reason
                    ? h(
                        'span',
                        { class: 'reason' },
                        ` — ${p.reason.replace(/_/g, ' ').toLowerCase()}`,
                      )
                    : null,
                ),
                h(
                  'div',
                  { class: 'meta' },
                  `seq ${p.seq ?? '?'} · ${p.click ?? 'unknown click'} · attempt ${p.attempt ?? '?'} · ${battery(p.batteryMv)}`,
                  p.orderId ? h('span', {}, ' · order ', link('order', p.orderId)) : null,
                ),
              ),
            ),
          ),
    );
  }

  async function showHousehold(householdId: string): Promise<void> {
    const { household, buttons } = await api.get<SupportHousehold>(
      `/v1/support/households/${encodeURIComponent(householdId)}`,
    );
    fill(
      result.body,
      h('h3', {}, `Household ${household.householdId}`),
      h(
        'dl',
        { class: 'facts' },
        fact('Name', household.name),
        fact('E-mail', household.email),
        fact('Address', household.address),
        fact('Since', when(household.createdAt)),
      ),
      table<SupportButton>(
        'Buttons of the household',
        [
          ['Button', (b) => link('button', b.deviceId)],
          ['SKU', (b) => b.settings.skuId ?? 'none'],
          ['Last press', (b) => when(b.lastPressAt)],
          [
            'Open orders',
            (b) => b.openOrders.map((o) => h('span', { class: 'chip' }, link('order', o.orderId))),
          ],
        ],
        buttons,
        'No buttons.',
      ),
    );
  }

  async function showOrder(orderId: string): Promise<void> {
    const order = await api.get<Order>(`/v1/support/orders/${encodeURIComponent(orderId)}`);
    const reason = h('textarea', { name: 'reason', required: true, rows: 2, maxlength: 500 });
    const cancel = h(
      'form',
      { class: 'cancel-form' },
      field('Reason for cancelling (required, goes to the audit trail)', reason),
      h('button', { type: 'submit', class: 'danger' }, 'Cancel order'),
    );
    cancel.addEventListener('submit', async (event) => {
      event.preventDefault();
      if (!reason.value.trim()) {
        result.say('A reason is required.', 'error');
        reason.focus();
        return;
      }
      try {
        await api.post(`/v1/support/orders/${encodeURIComponent(order.orderId)}/cancel`, {
          reason: reason.value.trim(),
        });
        await showOrder(order.orderId);
        result.say(`Order ${order.orderId} cancelled.`);
        await loadAudit();
      } catch (error) {
        result.say((error as Error).message, 'error');
      }
    });
    const cancellable = ['NEEDS_CONFIRMATION', 'PLACED', 'CONFIRMED'].includes(order.status);
    fill(
      result.body,
      h('h3', {}, `Order ${order.orderId} `, statusBadge(order.status)),
      h(
        'dl',
        { class: 'facts' },
        fact('Button', link('button', order.deviceId)),
        fact('Household', link('household', order.householdId)),
        fact('Brand', order.brandId),
        fact('Product', `${order.skuName} (${order.skuId})`),
        fact('Amount', orderTotal(order)),
        fact('Placed', when(order.placedAt)),
        fact('Cancel window until', when(order.cancelDeadline)),
      ),
      h('h4', {}, 'History'),
      h(
        'ol',
        { class: 'timeline' },
        order.history.map((e) =>
          h(
            'li',
            {},
            h('time', {}, when(e.at)),
            h('div', {}, h('strong', {}, e.status), ` by ${e.actor.kind} ${e.actor.id}`),
            e.reason ? h('div', { class: 'meta' }, `reason: ${e.reason}`) : null,
          ),
        ),
      ),
      cancellable ? cancel : null,
    );
  }

  async function loadAudit(): Promise<void> {
    try {
      const list = (await api.get<{ items: AuditEntry[] }>('/v1/support/audit?limit=30')).items;
      fill(
        audit.body,
        table<AuditEntry>(
          'Audit trail',
          [
            ['When', (a) => when(a.at)],
            ['Who', (a) => `${a.actor.kind} ${a.actor.id}`],
            ['Action', (a) => h('code', {}, a.action)],
            ['Subject', (a) => a.subject],
            ['Reason', (a) => a.reason ?? ''],
          ],
          list,
          'No support actions yet.',
          (a) => ({ 'data-action': a.action }),
        ),
      );
    } catch (error) {
      audit.say((error as Error).message, 'error');
    }
  }

  void loadAudit();
  return h('div', { class: 'view', 'data-view': 'support' }, search.el, result.el, audit.el);
}

function fact(term: string, value: Node | string): HTMLElement[] {
  return [h('dt', {}, term), h('dd', {}, value)];
}
