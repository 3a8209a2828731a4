/**
 * The brand's orders: the feed with shipped/delivered actions, orders per day, all-time totals
 * and a look-up by order id. CONFIRMED orders come from the fulfilment list (with the address to
 * ship to), the later statuses from the brand's order list.
 */
import type { Api } from '../api.ts';
import { ordersPerDay } from '../chart.ts';
import { field, fill, h, panel, table } from '../dom.ts';
import { when } from '../format.ts';
import { t } from '../i18n.ts';
import { orderTotal, statusBadge } from '../orders.ts';
import type { BrandTotals, FulfilmentItem, Order } from '../types.ts';
import type { Screen } from './screen.ts';

/**
 * Orders reach the brand when their cancel window closes: PLACED and NEEDS_CONFIRMATION orders
 * are the household's and in no brand list (the totals still count them).
 */
const OTHER_STATUSES = ['SHIPPED', 'DELIVERED', 'CANCELLED'];

export const ordersScreen: Screen = {
  id: 'orders',
  title: () => t().orders,
  render: ordersView,
};

function ordersView(api: Api): HTMLElement {
  const m = t();
  const orders = panel(m.orders, 'brand-orders', [
    h('button', { type: 'button', onclick: () => void refresh() }, m.refresh),
  ]);
  const chart = panel(m.ordersPerDay, 'chart');
  const lookup = panel(m.lookUpOrder, 'lookup');

  async function refresh(): Promise<void> {
    try {
      const [toShip, ...others] = await Promise.all([
        api.all<FulfilmentItem>('/v1/brand/fulfilment'),
        ...OTHER_STATUSES.map((status) => api.all<Order>(`/v1/brand/orders?status=${status}`)),
      ]);
      const list: (Order | FulfilmentItem)[] = [...(toShip ?? []), ...others.flat()].sort(
        (a, b) => b.placedAt - a.placedAt,
      );
      renderOrders(list);
      const totals = await api.get<BrandTotals>('/v1/brand/totals');
      fill(
        chart.body,
        ordersPerDay(list.map((o) => o.placedAt)),
        h(
          'p',
          { class: 'totals' },
          m.allTime(
            totals.orders,
            totals.units,
            Object.entries(totals.byStatus)
              .filter(([, n]) => n > 0)
              .map(([s, n]) => `${n} ${(m.status[s] ?? s).toLowerCase()}`)
              .join(', ') || m.noneYet,
          ),
        ),
      );
    } catch (error) {
      orders.say((error as Error).message, 'error');
    }
  }

  function step(order: Order, action: 'ship' | 'deliver'): HTMLButtonElement {
    const label = action === 'ship' ? m.markShipped : m.markDelivered;
    return h(
      'button',
      {
        type: 'button',
        'aria-label': m.markFor(label, order.orderId),
        onclick: async () => {
          try {
            const updated = await api.post<Order>(
              `/v1/brand/orders/${order.orderId}/${action}`,
              {},
            );
            orders.say(
              m.orderIsNow(
                order.orderId,
                (m.status[updated.status] ?? updated.status).toLowerCase(),
              ),
            );
            await refresh();
          } catch (error) {
            orders.say((error as Error).message, 'error');
          }
        },
      },
      label,
    );
  }

  function renderOrders(list: (Order | FulfilmentItem)[]): void {
    fill(
      orders.body,
      table<Order | FulfilmentItem>(
        m.orders,
        [
          [m.order, (o) => h('code', {}, o.orderId)],
          [m.product, (o) => o.skuName],
          [m.amount, (o) => orderTotal(o)],
          [m.placed, (o) => when(o.placedAt)],
          [
            m.shipTo,
            (o) =>
              'shipTo' in o
                ? o.shipTo
                  ? `${o.shipTo.name}, ${o.shipTo.address}`
                  : m.erasedShipTo
                : '—',
          ],
          [m.statusColumn, (o) => statusBadge(o.status)],
          [
            m.actions,
            (o) =>
              o.status === 'CONFIRMED'
                ? step(o, 'ship')
                : o.status === 'SHIPPED'
                  ? step(o, 'deliver')
                  : null,
          ],
        ],
        list,
        m.noOpenOrders,
        (o) => ({ 'data-order': o.orderId, 'data-status': o.status }),
      ),
    );
  }

  const orderId = h('input', { name: 'orderId', required: true, autocomplete: 'off' });
  const result = h('div', {});
  const form = h(
    'form',
    { class: 'search' },
    field(m.orderId, orderId),
    h('button', { type: 'submit' }, m.lookUp),
  );
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    fill(result);
    lookup.say('');
    try {
      const order = await api.get<Order>(
        `/v1/brand/orders/${encodeURIComponent(orderId.value.trim())}`,
      );
      fill(
        result,
        h(
          'p',
          {},
          h('code', {}, order.orderId),
          ' ',
          statusBadge(order.status),
          m.orderSummary(order.skuName, orderTotal(order), when(order.placedAt)),
        ),
      );
    } catch (error) {
      lookup.say((error as Error).message, 'error');
    }
  });
  fill(lookup.body, form, result);

  void refresh();
  return h('div', { class: 'view' }, orders.el, chart.el, lookup.el);
}
