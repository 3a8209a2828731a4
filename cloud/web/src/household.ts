/**
 * Household view: my orders (cancel while the window is open; confirm or decline what the
 * button held back), my buttons with their next-need hint and settings (limits, child lock,
 * quiet hours, learning), the household's own time zone, quiet hours and learning for every
 * button, claiming a button and accepting its terms, notifications, export,
 * and account erasure with a confirmation step.
 */
import type { Api } from './api.ts';
import { fact, field, fill, h, panel, table } from './dom.ts';
import { battery, date, everyDays, money, percent, when } from './format.ts';
import { locale, t } from './i18n.ts';
import { countdown, orderTotal, priceChange, statusBadge } from './orders.ts';
import type {
  Erasure,
  HouseholdButton,
  HouseholdGuard,
  HouseholdGuardChanges,
  Notification,
  Order,
  SettingsChanges,
  Terms,
} from './types.ts';

/** The guard reasons that hold a press for confirmation (the others only flag it for support). */
const HELD_REASONS: readonly string[] = ['EARLY_REORDER', 'QUIET_HOURS', 'CHILD_LOCK'];

export function householdView(api: Api, signOut: () => void): HTMLElement {
  const m = t();
  const me = api.session.tenant ?? '';
  const buttons = panel(m.myButtons, 'buttons', [
    h('button', { type: 'button', onclick: () => void refresh() }, m.refresh),
  ]);
  const claim = panel(m.claimTitle, 'claim');
  const guard = panel(m.householdGuardTitle, 'household-guard');
  const orders = panel(m.myOrders, 'orders');
  const notes = panel(m.notifications, 'notifications');
  const account = panel(m.myData, 'account');

  async function refresh(): Promise<void> {
    await Promise.all([loadGuard(), loadButtons(), loadOrders(), loadNotes()]);
  }

  // --- Claiming a button and accepting its terms ---
  const code = h('input', { name: 'claimCode', required: true, autocomplete: 'off' });
  const terms = h('div', { class: 'terms-slot' });
  const claimForm = h(
    'form',
    { class: 'search' },
    field(m.claimCode, code),
    h('button', { type: 'submit' }, m.claim),
  );
  claimForm.addEventListener('submit', async (event) => {
    event.preventDefault();
    try {
      const button = await api.post<HouseholdButton>('/v1/household/claims', {
        claimCode: code.value.trim(),
      });
      code.value = '';
      claim.say(m.claimed(button.deviceId));
      await Promise.all([showTerms(button.deviceId), loadButtons()]);
    } catch (error) {
      claim.say((error as Error).message, 'error');
    }
  });
  fill(claim.body, claimForm, terms);

  async function showTerms(deviceId: string): Promise<void> {
    try {
      const shown = await api.get<Terms>(`/v1/household/buttons/${deviceId}/terms`);
      const accept = h('button', { type: 'button' }, m.termsAccept);
      accept.addEventListener('click', async () => {
        try {
          await api.post(`/v1/household/buttons/${deviceId}/terms`, {
            priceCents: shown.unitPriceCents,
          });
          fill(terms);
          claim.say(m.termsAccepted(deviceId));
          await loadButtons();
        } catch (error) {
          claim.say((error as Error).message, 'error');
        }
      });
      fill(
        terms,
        h(
          'section',
          { class: 'terms', 'aria-labelledby': 'terms-title', 'data-terms': deviceId },
          h('h3', { id: 'terms-title' }, m.termsTitle(deviceId)),
          h(
            'dl',
            { class: 'facts' },
            fact(m.termsProduct, shown.skuName),
            fact(m.termsPrice, money(shown.unitPriceCents, shown.currency)),
            fact(m.termsQuantity, new Intl.NumberFormat(locale()).format(shown.quantity)),
            fact(m.termsLimit, percent(shown.priceIncreaseLimitPct)),
          ),
          h('p', { class: 'wording' }, shown.wording[locale()]),
          shown.acceptedPriceCents === null
            ? h('p', { class: 'hint' }, m.termsPending)
            : h(
                'p',
                { class: 'hint' },
                m.termsAcceptedAt(money(shown.acceptedPriceCents, shown.currency)),
              ),
          accept,
        ),
      );
      accept.focus();
    } catch (error) {
      claim.say((error as Error).message, 'error');
    }
  }

  // --- The household's time zone, quiet hours and learning (every button) ---
  async function loadGuard(): Promise<void> {
    try {
      fill(guard.body, guardForm(await api.get<HouseholdGuard>('/v1/household/settings')));
    } catch (error) {
      guard.say((error as Error).message, 'error');
    }
  }

  function guardForm(s: HouseholdGuard): HTMLElement {
    const zone = h('input', { name: 'timeZone', value: s.timeZone, autocomplete: 'off' });
    const quietFrom = h('input', { name: 'quietFrom', type: 'time', value: s.quietHours?.from });
    const quietTo = h('input', { name: 'quietTo', type: 'time', value: s.quietHours?.to });
    const learn = h('input', { name: 'learnRhythm', type: 'checkbox', checked: s.learnRhythm });
    const form = h(
      'form',
      { class: 'settings', 'data-form': 'household-guard' },
      h('p', { class: 'hint' }, m.householdGuardIntro),
      field(m.timeZone, zone),
      field(m.quietFrom, quietFrom, m.quietHint),
      field(m.quietTo, quietTo),
      h('label', { class: 'check' }, learn, m.learn),
      h('button', { type: 'submit' }, m.saveSettings),
    );
    form.addEventListener('submit', async (event) => {
      event.preventDefault();
      const changes: HouseholdGuardChanges = {};
      if (zone.value.trim() !== s.timeZone) changes.timeZone = zone.value.trim();
      const quiet =
        quietFrom.value && quietTo.value ? { from: quietFrom.value, to: quietTo.value } : null;
      if (JSON.stringify(quiet) !== JSON.stringify(s.quietHours)) changes.quietHours = quiet;
      if (learn.checked !== s.learnRhythm) changes.learnRhythm = learn.checked;
      if (Object.keys(changes).length === 0) {
        guard.say(m.householdGuardUnchanged);
        return;
      }
      try {
        const saved = await api.patch<HouseholdGuard>('/v1/household/settings', changes);
        fill(guard.body, guardForm(saved));
        guard.say(
          changes.learnRhythm === false ? m.householdGuardForgotten : m.householdGuardSaved,
        );
        await loadButtons();
      } catch (error) {
        guard.say((error as Error).message, 'error');
      }
    });
    return form;
  }

  // --- Buttons ---
  function nextNeed(b: HouseholdButton): string {
    if (!b.settings.learnRhythm) return m.learningOff;
    if (!b.nextNeed) return m.noRhythm;
    const hint = m.usuallyEvery(everyDays(b.nextNeed.usualIntervalDays), date(b.nextNeed.nextAt));
    return b.nextNeed.basis === 'brand' ? `${hint} ${m.fromBrand}` : hint;
  }

  async function loadButtons(): Promise<void> {
    try {
      const list = await api.all<HouseholdButton>('/v1/household/buttons');
      fill(
        buttons.body,
        table<HouseholdButton>(
          m.myButtons,
          [
            [m.button, (b) => h('code', {}, b.deviceId)],
            [m.sku, (b) => b.settings.skuId ?? m.none],
            [m.quantity, (b) => b.settings.quantity],
            [m.nextNeed, (b) => h('span', { class: 'next-need' }, nextNeed(b))],
            [m.lastPress, (b) => when(b.lastPressAt)],
            [m.battery, (b) => battery(b.batteryMv)],
            [
              m.readTerms,
              (b) =>
                b.settings.skuId === null
                  ? '—'
                  : h(
                      'button',
                      {
                        type: 'button',
                        class: 'secondary',
                        'aria-label': m.readTermsOf(b.deviceId),
                        onclick: () => void showTerms(b.deviceId),
                      },
                      m.readTerms,
                    ),
            ],
            [m.settings, (b) => settingsForm(b)],
          ],
          list,
          m.noButtons,
          (b) => ({ 'data-device': b.deviceId }),
        ),
      );
    } catch (error) {
      buttons.say(String((error as Error).message), 'error');
    }
  }

  function settingsForm(button: HouseholdButton): HTMLElement {
    const s = button.settings;
    const number = (name: string, value: number, min: number, max: number) =>
      h('input', { name, type: 'number', min, max, value });
    const sku = h('input', { name: 'skuId', value: s.skuId ?? '', autocomplete: 'off' });
    const quantity = number('quantity', s.quantity, 1, 99);
    const window = number('cancelWindowMinutes', s.cancelWindowMinutes, 0, 1440);
    const maxOpen = number('maxOpenOrders', s.maxOpenOrders, 1, 10);
    const limit = number('priceIncreaseLimitPct', s.priceIncreaseLimitPct, 0, 100);
    const early = number('earlyReorderPct', s.earlyReorderPct, 0, 100);
    const check = (name: string, checked: boolean) =>
      h('input', { name, type: 'checkbox', checked });
    const confirmFirst = check('confirmFirstOrder', s.confirmFirstOrder);
    const learn = check('learnRhythm', s.learnRhythm);
    const remind = check('remindWhenDue', s.remindWhenDue);
    const lock = h(
      'select',
      { name: 'childLock' },
      (
        [
          ['off', m.childLockOff],
          ['confirm', m.childLockConfirm],
          ['disabled', m.childLockDisabled],
        ] as const
      ).map(([value, label]) => {
        const option = h('option', { value }, label);
        option.selected = value === s.childLock;
        return option;
      }),
    );
    const quietFrom = h('input', { name: 'quietFrom', type: 'time', value: s.quietHours?.from });
    const quietTo = h('input', { name: 'quietTo', type: 'time', value: s.quietHours?.to });
    const zone = h('input', { name: 'timeZone', value: s.timeZone, autocomplete: 'off' });
    const form = h(
      'form',
      { class: 'settings' },
      field(m.sku, sku),
      field(m.quantity, quantity),
      field(m.cancelWindow, window),
      field(m.maxOpen, maxOpen),
      field(m.priceLimit, limit),
      h('label', { class: 'check' }, confirmFirst, m.confirmFirst),
      field(m.childLock, lock),
      field(m.quietFrom, quietFrom, m.quietHint),
      field(m.quietTo, quietTo),
      field(m.timeZone, zone),
      field(m.earlyPct, early),
      h('label', { class: 'check' }, learn, m.learn),
      h('label', { class: 'check' }, remind, m.remind),
      h('button', { type: 'submit' }, m.saveSettings),
    );
    form.addEventListener('submit', async (event) => {
      event.preventDefault();
      const changes: SettingsChanges = {};
      if (sku.value.trim() !== (s.skuId ?? '')) changes.skuId = sku.value.trim() || null;
      const numbers = [
        ['quantity', quantity, s.quantity],
        ['cancelWindowMinutes', window, s.cancelWindowMinutes],
        ['maxOpenOrders', maxOpen, s.maxOpenOrders],
        ['priceIncreaseLimitPct', limit, s.priceIncreaseLimitPct],
        ['earlyReorderPct', early, s.earlyReorderPct],
      ] as const;
      for (const [name, input, was] of numbers) {
        if (Number(input.value) !== was) changes[name] = Number(input.value);
      }
      const flags = [
        ['confirmFirstOrder', confirmFirst, s.confirmFirstOrder],
        ['learnRhythm', learn, s.learnRhythm],
        ['remindWhenDue', remind, s.remindWhenDue],
      ] as const;
      for (const [name, input, was] of flags) {
        if (input.checked !== was) changes[name] = input.checked;
      }
      if (lock.value !== s.childLock) changes.childLock = lock.value as typeof s.childLock;
      const quiet =
        quietFrom.value && quietTo.value ? { from: quietFrom.value, to: quietTo.value } : null;
      if (JSON.stringify(quiet) !== JSON.stringify(s.quietHours)) changes.quietHours = quiet;
      if (zone.value.trim() !== s.timeZone) changes.timeZone = zone.value.trim();
      if (Object.keys(changes).length === 0) {
        buttons.say(m.nothingChanged(button.deviceId));
        return;
      }
      try {
        await api.patch(`/v1/household/buttons/${button.deviceId}/settings`, changes);
        buttons.say(m.settingsSaved(button.deviceId));
        await loadButtons();
      } catch (error) {
        buttons.say((error as Error).message, 'error');
      }
    });
    return h('details', {}, h('summary', {}, m.settingsFor(button.deviceId)), form);
  }

  // --- Orders ---
  async function loadOrders(): Promise<void> {
    try {
      const list = (await api.get<{ items: Order[] }>('/v1/household/orders?limit=50')).items;
      fill(
        orders.body,
        table<Order>(
          m.myOrders,
          [
            [m.order, (o) => h('code', {}, o.orderId)],
            [m.product, (o) => o.skuName],
            [m.amount, (o) => orderTotal(o)],
            [m.placed, (o) => when(o.placedAt)],
            [m.statusColumn, (o) => statusBadge(o.status)],
            [m.timeToCancel, (o) => countdown(o)],
            [m.actions, (o) => orderActions(o)],
          ],
          list,
          m.noOrders,
          (o) => ({ 'data-order': o.orderId, 'data-status': o.status }),
        ),
      );
    } catch (error) {
      orders.say((error as Error).message, 'error');
    }
  }

  function orderActions(order: Order): HTMLElement | null {
    const act = (label: string, step: 'confirm' | 'decline' | 'cancel', cls = '') =>
      h(
        'button',
        {
          type: 'button',
          class: cls,
          'aria-label': m.actOn(label, order.orderId),
          onclick: async () => {
            try {
              await api.post(`/v1/household/orders/${order.orderId}/${step}`, {});
              orders.say(m.orderChanged(order.orderId, m.orderDone[step] ?? step));
              await refresh();
            } catch (error) {
              orders.say((error as Error).message, 'error');
            }
          },
        },
        label,
      );
    if (order.status === 'NEEDS_CONFIRMATION') {
      // Held by the guard (early, quiet hours, child lock), by a price rise, or by both.
      const held = order.guard && HELD_REASONS.includes(order.guard.reason);
      const repriced =
        order.acceptedPriceCents === null || order.unitPriceCents !== order.acceptedPriceCents;
      return h(
        'div',
        { class: 'confirm' },
        held ? h('p', { class: 'held' }, m.guardReason[order.guard?.reason ?? ''] ?? '') : null,
        repriced || !held ? priceChange(order) : null,
        h(
          'div',
          { class: 'row' },
          act(m.confirm, 'confirm'),
          act(m.decline, 'decline', 'secondary'),
        ),
      );
    }
    if (order.status === 'PLACED' && order.cancelDeadline > Date.now()) {
      return act(m.cancel, 'cancel', 'danger');
    }
    return null;
  }

  async function loadNotes(): Promise<void> {
    try {
      const list = (
        await api.get<{ items: Notification[] }>('/v1/household/notifications?limit=10')
      ).items;
      fill(
        notes.body,
        list.length === 0
          ? h('p', { class: 'empty' }, m.nothingYet)
          : h(
              'ul',
              { class: 'notes' },
              list.map((n) =>
                h('li', {}, h('time', {}, when(n.at)), ' ', n.texts?.[locale()] ?? n.message),
              ),
            ),
      );
    } catch (error) {
      notes.say((error as Error).message, 'error');
    }
  }

  // --- Export and erasure ---
  const exportButton = h('button', { type: 'button' }, m.exportData);
  exportButton.addEventListener('click', async () => {
    try {
      const data = await api.get<unknown>('/v1/household/export');
      const url = URL.createObjectURL(
        new Blob([JSON.stringify(data, null, 2)], { type: 'application/json' }),
      );
      const link = h('a', { href: url, download: `restock-export-${me}.json` }, 'download');
      link.click();
      account.say(m.exported);
      setTimeout(() => URL.revokeObjectURL(url), 10_000);
    } catch (error) {
      account.say((error as Error).message, 'error');
    }
  });
  const confirmInput = h('input', { name: 'confirm-erase', autocomplete: 'off' });
  const eraseForm = h(
    'form',
    { class: 'erase', hidden: true },
    h('p', {}, m.eraseExplain),
    field(m.typeToConfirm(me), confirmInput),
    h(
      'div',
      { class: 'row' },
      h('button', { type: 'submit', class: 'danger' }, m.eraseForGood),
      h(
        'button',
        { type: 'button', class: 'secondary', onclick: () => (eraseForm.hidden = true) },
        m.keepAccount,
      ),
    ),
  );
  eraseForm.addEventListener('submit', async (event) => {
    event.preventDefault();
    if (confirmInput.value.trim() !== me) {
      account.say(m.typeExactly(me), 'error');
      confirmInput.focus();
      return;
    }
    try {
      const summary = await api.delete<Erasure>('/v1/household');
      account.say(m.erasedSummary(summary.ordersAnonymised, summary.buttonsReleased));
      setTimeout(signOut, 3000);
    } catch (error) {
      account.say((error as Error).message, 'error');
    }
  });
  const eraseStart = h(
    'button',
    {
      type: 'button',
      class: 'danger',
      onclick: () => {
        eraseForm.hidden = false;
        confirmInput.focus();
      },
    },
    m.eraseStart,
  );
  fill(account.body, h('div', { class: 'row' }, exportButton, eraseStart), eraseForm);

  void refresh();
  return h(
    'div',
    { class: 'view', 'data-view': 'household' },
    orders.el,
    buttons.el,
    guard.el,
    claim.el,
    notes.el,
    account.el,
  );
}
