/**
 * Brand view: SKUs (price, stock), the fleet (bound SKU, claimed, battery, last seen), the orders
 * feed with shipped/delivered actions, and orders per day. CONFIRMED orders come from the
 * fulfilment list (with the address to ship to), every other status from the brand's order list.
 */
import type { Api } from './api.ts';
import { ordersPerDay } from './chart.ts';
import { field, fill, h, panel, table } from './dom.ts';
import { battery, money, when } from './format.ts';
import { t } from './i18n.ts';
import { orderTotal, statusBadge } from './orders.ts';
import type { BrandTotals, Button, FulfilmentItem, Order, Sku } from './types.ts';

const OTHER_STATUSES = ['NEEDS_CONFIRMATION', 'PLACED', 'SHIPPED', 'DELIVERED', 'CANCELLED'];

export function brandView(api: Api): HTMLElement {
  const m = t();
  const brand = api.session.tenant ?? '';
  const orders = panel(m.orders, 'brand-orders', [
    h('button', { type: 'button', onclick: () => void refresh() }, m.refresh),
  ]);
  const chart = panel(m.ordersPerDay, 'chart');
  const skus = panel(m.skus, 'skus');
  const fleet = panel(m.fleet, 'fleet');
  const lookup = panel(m.lookUpOrder, 'lookup');

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

  function renderSkus(list: Sku[]): void {
    fill(
      skus.body,
      table<Sku>(
        m.skus,
        [
          [m.sku, (s) => h('code', {}, s.skuId)],
          [m.skuName, (s) => s.name],
          [m.price, (s) => money(s.priceCents, s.currency)],
          [m.stock, (s) => (s.retired ? m.retired : s.inStock ? m.inStock : m.outOfStock)],
          [
            m.actions,
            (s) =>
              s.retired
                ? null
                : h(
                    'button',
                    {
                      type: 'button',
                      class: 'secondary',
                      // The visible text first, so speech users can say what they see.
                      'aria-label': m.markFor(s.inStock ? m.markOut : m.markIn, s.skuId),
                      onclick: async () => {
                        try {
                          await api.patch(`/v1/brand/skus/${s.skuId}`, { inStock: !s.inStock });
                          skus.say(m.nowStock(s.skuId, !s.inStock));
                          await refresh();
                        } catch (error) {
                          skus.say((error as Error).message, 'error');
                        }
                      },
                    },
                    s.inStock ? m.markOut : m.markIn,
                  ),
          ],
        ],
        list,
        m.noSkus(brand),
      ),
    );
  }

  function renderFleet(list: Button[]): void {
    fill(
      fleet.body,
      table<Button>(
        m.fleet,
        [
          [m.button, (b) => h('code', {}, b.deviceId)],
          [m.serial, (b) => b.serial],
          [m.sku, (b) => b.settings.skuId ?? m.unbound],
          [m.claimedColumn, (b) => (b.claimed ? m.yes : m.no)],
          [m.battery, (b) => battery(b.batteryMv)],
          [m.lastSeen, (b) => when(b.lastPressAt)],
        ],
        list,
        m.noFleet(brand),
      ),
    );
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
