/**
 * Sandbox: virtual test buttons pressed from here, real buttons marked as test buttons, and the
 * TEST orders they made — through the same pipeline as real presses, kept apart from real
 * orders and totals, and reset in one go. On a server without the sandbox the screen says so.
 */
import type { Api } from '../api.ts';
import { field, fill, h, panel } from '../dom.ts';
import { when } from '../format.ts';
import { t } from '../i18n.ts';
import { orderTotal, statusBadge } from '../orders.ts';
import type { Order, Page, Sku } from '../types.ts';
import { bm } from './messages.ts';
import { pagedTable } from './paged.ts';
import { notAvailable, type Screen } from './screen.ts';

export const sandboxScreen: Screen = {
  id: 'sandbox',
  title: () => bm().sandboxTitle,
  render: sandboxView,
};

interface TestPress {
  outcome: string;
  orderId?: string | null;
}

export function testBadge(): HTMLElement {
  return h('span', { class: 'badge badge-test' }, 'TEST');
}

function sandboxView(api: Api): HTMLElement {
  const m = t();
  const b = bm();
  const virtual = panel(b.virtualTitle, 'test-buttons');
  const real = panel(b.markTestTitle, 'mark-test');
  const orders = panel(b.testOrdersTitle, 'test-orders', [
    h(
      'button',
      {
        type: 'button',
        class: 'danger',
        onclick: async () => {
          try {
            const reset = await api.post<{ ordersDeleted: number; buttonsReset: number }>(
              '/v1/brand/test-orders/reset',
              {},
            );
            await testOrders.reload();
            orders.say(b.testOrdersReset(reset.ordersDeleted, reset.buttonsReset));
          } catch (error) {
            orders.say((error as Error).message, 'error');
          }
        },
      },
      b.resetTestOrders,
    ),
  ]);
  const view = h('div', { class: 'view' }, virtual.el, orders.el, real.el);

  function unavailable(): void {
    const only = panel(b.sandboxTitle, 'sandbox');
    notAvailable(only, b.sandboxTitle);
    fill(view, only.el);
  }

  // --- virtual test buttons, pressed from the page ---
  const made: string[] = [];
  const skuSelect = h('select', { name: 'skuId', required: true });
  const pressed = h('ul', { class: 'test-buttons' });
  const createForm = h(
    'form',
    { class: 'search' },
    field(m.sku, skuSelect),
    h('button', { type: 'submit' }, b.createTestButton),
  );
  createForm.addEventListener('submit', async (event) => {
    event.preventDefault();
    try {
      const { deviceId } = await api.post<{ deviceId: string }>('/v1/brand/test-buttons', {
        skuId: skuSelect.value,
      });
      made.push(deviceId);
      virtual.say(b.testButtonMade(deviceId));
      renderMade();
    } catch (error) {
      virtual.say((error as Error).message, 'error');
    }
  });

  function pressButton(deviceId: string, click: 'SINGLE' | 'DOUBLE' | 'LONG'): HTMLElement {
    return h(
      'button',
      {
        type: 'button',
        class: click === 'SINGLE' ? '' : 'secondary',
        'aria-label': b.pressNamed(b.click[click], deviceId),
        onclick: async () => {
          try {
            const ack = await api.post<TestPress>(
              `/v1/brand/test-buttons/${encodeURIComponent(deviceId)}/press`,
              { click },
            );
            await testOrders.reload();
            virtual.say(b.pressAnswered(deviceId, ack.outcome, ack.orderId ?? null));
          } catch (error) {
            virtual.say((error as Error).message, 'error');
          }
        },
      },
      b.click[click],
    );
  }

  function renderMade(): void {
    fill(
      pressed,
      made.map((deviceId) =>
        h(
          'li',
          { 'data-device': deviceId },
          testBadge(),
          ' ',
          h('code', {}, deviceId),
          h(
            'span',
            { class: 'row' },
            pressButton(deviceId, 'SINGLE'),
            pressButton(deviceId, 'DOUBLE'),
            pressButton(deviceId, 'LONG'),
          ),
        ),
      ),
    );
  }
  fill(virtual.body, h('p', {}, b.virtualExplained), createForm, pressed);

  // --- real buttons marked as test buttons ---
  const deviceId = h('input', { name: 'deviceId', required: true, autocomplete: 'off' });
  const isTest = h('input', { type: 'checkbox', name: 'test', checked: true });
  const markForm = h(
    'form',
    { class: 'search' },
    field(m.button, deviceId),
    h('label', { class: 'check' }, isTest, b.isTestButton),
    h('button', { type: 'submit' }, b.save),
  );
  markForm.addEventListener('submit', async (event) => {
    event.preventDefault();
    const id = deviceId.value.trim();
    try {
      await api.put(`/v1/brand/buttons/${encodeURIComponent(id)}/test`, { test: isTest.checked });
      real.say(isTest.checked ? b.nowTest(id) : b.nowReal(id));
    } catch (error) {
      real.say((error as Error).message, 'error');
    }
  });
  fill(real.body, h('p', {}, b.markTestExplained), markForm);

  // --- TEST orders ---
  const testOrders = pagedTable<Order>({
    caption: b.testOrdersTitle,
    empty: b.noTestOrders,
    load: (query) => api.get<Page<Order>>(`/v1/brand/test-orders?${query}`),
    onMissing: unavailable,
    onError: (message) => orders.say(message, 'error'),
    rowAttrs: (o) => ({ 'data-order': o.orderId, 'data-status': o.status, 'data-test': 'true' }),
    columns: [
      [b.mode, () => testBadge()],
      [m.order, (o) => h('code', {}, o.orderId)],
      [m.button, (o) => h('code', {}, o.deviceId)],
      [m.product, (o) => o.skuName],
      [m.amount, (o) => orderTotal(o)],
      [m.placed, (o) => when(o.placedAt)],
      [m.statusColumn, (o) => statusBadge(o.status)],
    ],
  });
  fill(orders.body, h('p', {}, b.testOrdersExplained), testOrders.el);

  void (async () => {
    try {
      const skus = (await api.all<Sku>('/v1/brand/skus')).filter((s) => !s.retired);
      fill(
        skuSelect,
        skus.map((s) => h('option', { value: s.skuId }, `${s.skuId} — ${s.name}`)),
      );
    } catch (error) {
      virtual.say((error as Error).message, 'error');
    }
    await testOrders.reload();
  })();
  return view;
}
