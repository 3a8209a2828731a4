/** Order rendering shared by the views: status badge, cancel countdown, price comparison. */
import { h } from './dom.ts';
import { money, timeLeft } from './format.ts';
import { t } from './i18n.ts';
import type { Order } from './types.ts';

export function statusBadge(status: string): HTMLElement {
  return h(
    'span',
    { class: `badge badge-${status.toLowerCase()}`, 'data-status': status },
    t().status[status] ?? status,
  );
}

/** "12 min left" for a PLACED order; kept current by `tickCountdowns`. */
export function countdown(order: Order): HTMLElement | string {
  if (order.status !== 'PLACED') return '—';
  return h(
    'span',
    { class: 'countdown', 'data-deadline': order.cancelDeadline },
    timeLeft(order.cancelDeadline),
  );
}

export function tickCountdowns(root: ParentNode = document): void {
  for (const el of root.querySelectorAll<HTMLElement>('[data-deadline]')) {
    el.textContent = timeLeft(Number(el.dataset.deadline));
  }
}

/** Old (accepted) and new price side by side, for NEEDS_CONFIRMATION orders. */
export function priceChange(order: Order): HTMLElement {
  const old = order.acceptedPriceCents;
  const rise = old ? Math.round(((order.unitPriceCents - old) / old) * 100) : null;
  return h(
    'div',
    { class: 'price-change', role: 'group', 'aria-label': t().priceChangeFor(order.orderId) },
    h(
      'div',
      { class: 'price old' },
      h('span', { class: 'price-label' }, t().priceAccepted),
      h('strong', {}, money(old, order.currency)),
    ),
    h('span', { class: 'arrow', 'aria-hidden': 'true' }, '→'),
    h(
      'div',
      { class: 'price new' },
      h('span', { class: 'price-label' }, t().newPrice),
      h('strong', {}, money(order.unitPriceCents, order.currency)),
      rise !== null ? h('small', {}, `${rise > 0 ? '+' : ''}${rise}%`) : null,
    ),
  );
}

export function orderTotal(order: Order): string {
  return `${order.quantity} × ${money(order.unitPriceCents, order.currency)}`;
}
