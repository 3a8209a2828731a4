/**
 * Fleet health: per button the battery and its trend per press, the presses and days it has
 * left, how long it has been silent, firmware and key version, and the buttons to replace soon.
 * On a server without it the screen says so.
 */
import type { Api } from '../api.ts';
import { fill, h, panel } from '../dom.ts';
import { when } from '../format.ts';
import { locale, t } from '../i18n.ts';
import { bm } from './messages.ts';
import { pagedTable } from './paged.ts';
import { notAvailable, type Screen } from './screen.ts';

export const healthScreen: Screen = {
  id: 'health',
  title: () => bm().healthTitle,
  render: healthView,
};

export type HealthStatus = 'ok' | 'replace_soon' | 'silent' | 'low_battery';

export interface ButtonHealth {
  deviceId: string;
  skuId: string | null;
  batteryMv: number | null;
  batteryTrendMvPerPress: number | null;
  pressesLeft: number | null;
  daysLeft: number | null;
  lastPressAt: number | null;
  silentSinceDays?: number | null;
  firmware?: number;
  keyVersion: number | null;
  status: HealthStatus;
}

export interface FleetHealth {
  buttons: ButtonHealth[];
  replaceSoon: string[];
  /** How presses and days left are estimated. */
  method: string;
  cursor?: string;
}

const LOOK: Record<HealthStatus, string> = {
  ok: 'delivered',
  replace_soon: 'needs_confirmation',
  silent: 'expired',
  low_battery: 'cancelled',
};

const number = (n: number | null | undefined, digits = 0) =>
  n === null || n === undefined
    ? '—'
    : new Intl.NumberFormat(locale(), { maximumFractionDigits: digits }).format(n);

function healthView(api: Api): HTMLElement {
  const m = t();
  const b = bm();
  const replace = panel(b.replaceSoonTitle, 'replace-soon');
  const fleet = panel(b.healthTitle, 'health');
  const view = h('div', { class: 'view' }, replace.el, fleet.el);

  const table = pagedTable<ButtonHealth>({
    caption: b.healthTitle,
    empty: m.noFleet(api.session.tenant ?? ''),
    load: async (query) => {
      const health = await api.get<FleetHealth>(`/v1/brand/health?${query}`);
      fill(method, b.healthExplained(health.method));
      fill(
        replace.body,
        health.replaceSoon.length === 0
          ? h('p', { class: 'empty' }, b.noneToReplace)
          : h(
              'ul',
              { class: 'chips', 'aria-label': b.replaceSoonTitle },
              health.replaceSoon.map((id) => h('li', { class: 'chip' }, h('code', {}, id))),
            ),
      );
      return { items: health.buttons, cursor: health.cursor };
    },
    onMissing: () => {
      notAvailable(fleet, b.healthTitle);
      replace.el.hidden = true;
    },
    onError: (message) => fleet.say(message, 'error'),
    rowAttrs: (x) => ({ 'data-device': x.deviceId, 'data-health': x.status }),
    columns: [
      [m.button, (x) => h('code', {}, x.deviceId)],
      [m.sku, (x) => x.skuId ?? m.unbound],
      [
        m.statusColumn,
        (x) => h('span', { class: `badge badge-${LOOK[x.status]}` }, b.health[x.status]),
      ],
      [b.batteryMv, (x) => number(x.batteryMv)],
      [b.trend, (x) => number(x.batteryTrendMvPerPress, 2)],
      [b.pressesLeft, (x) => number(x.pressesLeft)],
      [b.daysLeft, (x) => number(x.daysLeft)],
      [m.lastSeen, (x) => when(x.lastPressAt)],
      [b.silentFor, (x) => (x.silentSinceDays ? b.days(x.silentSinceDays) : '—')],
      [b.firmware, (x) => x.firmware ?? '—'],
      [b.keyVersion, (x) => x.keyVersion ?? '—'],
    ],
  });
  const method = h('p', { class: 'hint' });
  fill(fleet.body, method, table.el);
  void table.reload();
  return view;
}
