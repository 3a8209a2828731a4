/**
 * Brand view: SKUs (price, stock), the fleet (bound SKU, claimed, battery, last seen), the orders
 * feed with shipped/delivered actions, and orders per day. CONFIRMED orders come from the
 * fulfilment list (with the address to ship to), every other status from the brand's order list.
 */
import type { Api } from './api.ts';
import { ordersPerDay } from './chart.ts';
import { field, fill, h, panel, table } from './dom.ts';
import { battery, money, when } from './format.ts';
import { orderTotal, statusBadge } from './orders.ts';
import type { BrandTotals, Button, FulfilmentItem, Order, Sku } from './types.ts';

const OTHER_STATUSES = ['NEEDS_CONFIRMATION', 'PLACED', 'SHIPPED', 'DELIVERED', 'CANCELLED'];

export function brandView(api: Api): HTMLElement {
  const brand = api.session.tenant ?? '';
  const orders = panel('Orders', 'brand-orders', [
    h('button', { type: 'button', onclick: () => void refresh() }, 'Refresh'),
  ]);
  const chart = panel('Orders per day', 'chart');
  const skus = panel('SKUs', 'skus');
  const fleet = panel('Fleet', 'fleet');
  const lookup = panel('Look up an order', 'lookup');

  async function refresh(): Promise<void> {
    try {
      const [skuList, buttonList] = await Promise.all([
        api.all<Sku>('/v1/brand/skus'),
        api.all<Button>('/v1/brand/buttons'),
      ]);
      renderSkus(skuList);
      renderFleet(buttonList);
    } catch (error) {
      skus.say((error as Error).message, 'error');
      fleet.say((error as Error).message, 'error');
    }
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
          `All time: ${totals.orders} orders, ${totals.units} units; `,
          Object.entries(totals.byStatus)
            .filter(([, n]) => n > 0)
            .map(([s, n]) => `${n} ${s.toLowerCase().replace('_', ' ')}`)
            .join(', ') || 'none yet',
          '.',
        ),
      );
    } catch (error) {
      orders.say((error as Error).message, 'error');
    }
  }

  function renderSkus(list: Sku[]): void {
    fill(
      skus.body,
      table<Sku>(
        'SKUs',
        [
          ['SKU', (s) => h('code', {}, s.skuId)],
          ['Name', (s) => s.name],
          ['Price', (s) => money(s.priceCents, s.currency)],
          ['Stock', (s) => (s.retired ? 'retired' : s.inStock ? 'in stock' : 'out of stock')],
          [
            '',
            (s) =>
              s.retired
                ? null
                : h(
                    'button',
                    {
                      type: 'button',
                      class: 'secondary',
                      'aria-label': `Mark ${s.skuId} ${s.inStock ? 'out of stock' : 'in stock'}`,
                      onclick: async () => {
                        try {
                          await api.patch(`/v1/brand/skus/${s.skuId}`, { inStock: !s.inStock });
                          skus.say(`${s.skuId} is now ${s.inStock ? 'out of stock' : 'in stock'}.`);
                          await refresh();
                        } catch (error) {
                          skus.say((error as Error).message, 'error');
                        }
                      },
                    },
                    s.inStock ? 'Mark out of stock' : 'Mark in stock',
                  ),
          ],
        ],
        list,
        `Brand ${brand} has no SKUs.`,
      ),
    );
  }

  function renderFleet(list: Button[]): void {
    fill(
      fleet.body,
      table<Button>(
        'Fleet',
        [
          ['Button', (b) => h('code', {}, b.deviceId)],
          ['Serial', (b) => b.serial],
          ['SKU', (b) => b.settings.skuId ?? 'unbound'],
          ['Claimed', (b) => (b.claimed ? 'yes' : 'no')],
          ['Battery', (b) => battery(b.batteryMv)],
          ['Last seen', (b) => when(b.lastPressAt)],
        ],
        list,
        `Brand ${brand} has no buttons.`,
      ),
    );
  }

  function step(order: Order, action: 'ship' | 'deliver'): HTMLButtonElement {
    const label = action === 'ship' ? 'Mark shipped' : 'Mark delivered';
    return h(
      'button',
      {
        type: 'button',
        'aria-label': `${label}: ${order.orderId}`,
        onclick: async () => {
          try {
            const updated = await api.post<Order>(
              `/v1/brand/orders/${order.orderId}/${action}`,
              {},
            );
            orders.say(`Order ${order.orderId} is ${updated.status.toLowerCase()}.`);
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
        'Orders',
        [
          ['Order', (o) => h('code', {}, o.orderId)],
          ['Product', (o) => o.skuName],
          ['Amount', (o) => orderTotal(o)],
          ['Placed', (o) => when(o.placedAt)],
          [
            'Ship to',
            (o) =>
              'shipTo' in o ? (o.shipTo ? `${o.shipTo.name}, ${o.shipTo.address}` : 'erased') : '—',
          ],
          ['Status', (o) => statusBadge(o.status)],
          [
            '',
            (o) =>
              o.status === 'CONFIRMED'
                ? step(o, 'ship')
                : o.status === 'SHIPPED'
                  ? step(o, 'deliver')
                  : null,
          ],
        ],
        list,
        'No open orders.',
        (o) => ({ 'data-order': o.orderId, 'data-status': o.status }),
      ),
    );
  }

  const orderId = h('input', { name: 'orderId', required: true, autocomplete: 'off' });
  const result = h('div', {});
  const form = h(
    'form',
    { class: 'search' },
    field('Order id', orderId),
    h('button', { type: 'submit' }, 'Look up'),
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
          ` ${order.skuName}, ${orderTotal(order)}, placed ${when(order.placedAt)}`,
        ),
      );
    } catch (error) {
      lookup.say((error as Error).message, 'error');
    }
  });
  fill(lookup.body, form, result);

  void refresh();
  return h(
    'div',
    { class: 'view', 'data-view': 'brand' },
    orders.el,
    chart.el,
    skus.el,
    fleet.el,
    lookup.el,
  );
}
