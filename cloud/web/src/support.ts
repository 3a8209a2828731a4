/**
 * Support view: the queue of possibly accidental orders across households (cancel many with one
 * reason); find a button, household or order; a button's press log as a timeline; cancel an
 * order with a required reason; the audit trail (every support action, reads included).
 */
import type { Api } from './api.ts';
import { fact, field, fill, h, panel, table } from './dom.ts';
import { battery, when } from './format.ts';
import { t } from './i18n.ts';
import { orderTotal, statusBadge } from './orders.ts';
import type {
  AuditEntry,
  BulkCancelResult,
  Order,
  PressLogEntry,
  SupportButton,
  SupportHousehold,
} from './types.ts';

type Kind = 'button' | 'household' | 'order';

export function supportView(api: Api): HTMLElement {
  const m = t();
  const flagged = panel(m.flaggedTitle, 'flagged', [
    h('button', { type: 'button', onclick: () => void loadFlagged() }, m.refresh),
  ]);
  const search = panel(m.find, 'search');
  const result = panel(m.result, 'result');
  const audit = panel(m.auditTrail, 'audit', [
    h('button', { type: 'button', onclick: () => void loadAudit() }, m.refresh),
  ]);
  result.el.hidden = true;

  const kind = h(
    'select',
    { name: 'kind' },
    h('option', { value: 'button' }, m.kindButton),
    h('option', { value: 'household' }, m.kindHousehold),
    h('option', { value: 'order' }, m.kindOrder),
  );
  const query = h('input', {
    name: 'query',
    required: true,
    autocomplete: 'off',
    placeholder: m.searchExample,
  });
  const form = h(
    'form',
    { class: 'search', role: 'search' },
    field(m.lookUpA, kind),
    field(m.id, query),
    h('button', { type: 'submit' }, m.search),
  );
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    void open(kind.value as Kind, query.value.trim());
  });
  fill(search.body, form);

  async function open(what: Kind, id: string): Promise<void> {
    if (!id) return;
    result.el.hidden = false;
    result.say(m.loadingThing(what, id));
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
      h('h3', {}, m.buttonTitle(button.deviceId)),
      h(
        'dl',
        { class: 'facts' },
        fact(m.brand, button.brandId),
        fact(m.serial, button.serial),
        fact(
          m.household,
          button.householdId ? link('household', button.householdId) : m.notClaimed,
        ),
        fact(m.sku, button.settings.skuId ?? m.none),
        fact(m.quantity, String(button.settings.quantity)),
        fact(m.lastPress, when(button.lastPressAt)),
        fact(m.battery, battery(button.batteryMv)),
        fact(m.highWaterMark, String(button.highWaterMark)),
        fact(
          m.openOrders,
          button.openOrders.length === 0
            ? m.none
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
      h('h3', {}, m.pressLog),
      presses.items.length === 0
        ? h('p', { class: 'empty' }, m.noPresses)
        : h(
            'ol',
            { class: 'timeline', 'aria-label': m.pressLogOf(button.deviceId) },
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
                  m.pressMeta(
                    String(p.seq ?? '?'),
                    p.click ?? m.unknownClick,
                    String(p.attempt ?? '?'),
                    battery(p.batteryMv),
                  ),
                  p.orderId ? h('span', {}, m.orderLink, link('order', p.orderId)) : null,
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
      h('h3', {}, m.householdTitle(household.householdId)),
      h(
        'dl',
        { class: 'facts' },
        fact(m.name, household.name),
        fact(m.email, household.email),
        fact(m.address, household.address),
        fact(m.since, when(household.createdAt)),
      ),
      table<SupportButton>(
        m.buttonsOf,
        [
          [m.button, (b) => link('button', b.deviceId)],
          [m.sku, (b) => b.settings.skuId ?? m.none],
          [m.lastPress, (b) => when(b.lastPressAt)],
          [
            m.openOrders,
            (b) => b.openOrders.map((o) => h('span', { class: 'chip' }, link('order', o.orderId))),
          ],
        ],
        buttons,
        m.noButtonsPlain,
      ),
    );
  }

  async function showOrder(orderId: string): Promise<void> {
    const order = await api.get<Order>(`/v1/support/orders/${encodeURIComponent(orderId)}`);
    const reason = h('textarea', { name: 'reason', required: true, rows: 2, maxlength: 500 });
    const cancel = h(
      'form',
      { class: 'cancel-form' },
      field(m.cancelReason, reason),
      h('button', { type: 'submit', class: 'danger' }, m.cancelOrder),
    );
    cancel.addEventListener('submit', async (event) => {
      event.preventDefault();
      if (!reason.value.trim()) {
        result.say(m.reasonRequired, 'error');
        reason.focus();
        return;
      }
      try {
        await api.post(`/v1/support/orders/${encodeURIComponent(order.orderId)}/cancel`, {
          reason: reason.value.trim(),
        });
        await showOrder(order.orderId);
        result.say(m.orderCancelled(order.orderId));
        await loadAudit();
      } catch (error) {
        result.say((error as Error).message, 'error');
      }
    });
    const cancellable = ['NEEDS_CONFIRMATION', 'PLACED', 'CONFIRMED'].includes(order.status);
    fill(
      result.body,
      h('h3', {}, m.orderTitle(order.orderId), statusBadge(order.status)),
      h(
        'dl',
        { class: 'facts' },
        fact(m.button, link('button', order.deviceId)),
        fact(m.household, link('household', order.householdId)),
        fact(m.brand, order.brandId),
        fact(m.product, `${order.skuName} (${order.skuId})`),
        fact(m.amount, orderTotal(order)),
        fact(m.placed, when(order.placedAt)),
        fact(m.cancelWindowUntil, when(order.cancelDeadline)),
        order.guard ? fact(m.flaggedBecause, reasonOf(order)) : [],
      ),
      h('h4', {}, m.history),
      h(
        'ol',
        { class: 'timeline' },
        order.history.map((e) =>
          h(
            'li',
            {},
            h('time', {}, when(e.at)),
            h(
              'div',
              {},
              h('strong', {}, m.status[e.status] ?? e.status),
              m.byActor(e.actor.kind, e.actor.id),
            ),
            e.reason ? h('div', { class: 'meta' }, m.reasonMeta(e.reason)) : null,
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
          m.auditTrail,
          [
            [m.when, (a) => when(a.at)],
            [m.who, (a) => `${a.actor.kind} ${a.actor.id}`],
            [m.action, (a) => h('code', {}, a.action)],
            [m.subject, (a) => a.subject],
            [m.reason, (a) => a.reason ?? ''],
          ],
          list,
          m.noSupportActions,
          (a) => ({ 'data-action': a.action }),
        ),
      );
    } catch (error) {
      audit.say((error as Error).message, 'error');
    }
  }

  // --- The queue of possibly accidental orders, across households ---
  const reasonOf = (order: Order) =>
    order.guard ? (m.guardReason[order.guard.reason] ?? order.guard.reason) : '';

  async function loadFlagged(): Promise<void> {
    try {
      const list = (await api.get<{ items: Order[] }>('/v1/support/flagged-orders?limit=50')).items;
      const boxes: [string, HTMLInputElement][] = [];
      const pick = (o: Order) => {
        const box = h('input', { type: 'checkbox', 'aria-label': m.selectOrder(o.orderId) });
        boxes.push([o.orderId, box]);
        return box;
      };
      const reason = h('textarea', {
        name: 'bulk-reason',
        required: true,
        rows: 2,
        maxlength: 500,
      });
      const form = h(
        'form',
        { class: 'cancel-form' },
        field(m.bulkReason, reason),
        h('button', { type: 'submit', class: 'danger' }, m.cancelSelected),
      );
      form.addEventListener('submit', async (event) => {
        event.preventDefault();
        const orderIds = boxes.filter(([, box]) => box.checked).map(([id]) => id);
        if (orderIds.length === 0) {
          flagged.say(m.selectSome, 'error');
          return;
        }
        try {
          const { results } = await api.post<BulkCancelResult>('/v1/support/cancellations', {
            orderIds,
            reason: reason.value.trim(),
          });
          const failed = results.filter((r) => r.error).length;
          await loadFlagged();
          flagged.say(m.bulkDone(results.length - failed, failed), failed ? 'error' : 'info');
          await loadAudit();
        } catch (error) {
          flagged.say((error as Error).message, 'error');
        }
      });
      fill(
        flagged.body,
        table<Order>(
          m.flaggedCaption,
          [
            [m.select, pick],
            [m.order, (o) => link('order', o.orderId)],
            [m.household, (o) => link('household', o.householdId)],
            [m.product, (o) => `${o.skuName}, ${orderTotal(o)}`],
            [m.reason, reasonOf],
            [m.placed, (o) => when(o.placedAt)],
            [m.statusColumn, (o) => statusBadge(o.status)],
          ],
          list,
          m.noFlagged,
          (o) => ({ 'data-order': o.orderId }),
        ),
        list.length > 0 ? form : null,
      );
    } catch (error) {
      flagged.say((error as Error).message, 'error');
    }
  }

  void loadFlagged();
  void loadAudit();
  return h(
    'div',
    { class: 'view', 'data-view': 'support' },
    flagged.el,
    search.el,
    result.el,
    audit.el,
  );
}
