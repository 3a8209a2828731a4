/**
 * Household view: my buttons, my orders (cancel while the window is open; confirm or decline a
 * price change), per-button settings, export, and account erasure with a confirmation step.
 */
import type { Api } from './api.ts';
import { field, fill, h, panel, table } from './dom.ts';
import { battery, when } from './format.ts';
import { countdown, orderTotal, priceChange, statusBadge } from './orders.ts';
import type { Button, Erasure, Notification, Order, SettingsChanges } from './types.ts';

export function householdView(api: Api, signOut: () => void): HTMLElement {
  const me = api.session.tenant ?? '';
  const buttons = panel('My buttons', 'buttons', [
    h('button', { type: 'button', onclick: () => void refresh() }, 'Refresh'),
  ]);
  const orders = panel('My orders', 'orders');
  const notes = panel('Notifications', 'notifications');
  const account = panel('My data', 'account');

  async function refresh(): Promise<void> {
    await Promise.all([loadButtons(), loadOrders(), loadNotes()]);
  }

  async function loadButtons(): Promise<void> {
    try {
      const list = await api.all<Button>('/v1/household/buttons');
      fill(
        buttons.body,
        table<Button>(
          'My buttons',
          [
            ['Button', (b) => h('code', {}, b.deviceId)],
            ['SKU', (b) => b.settings.skuId ?? 'none'],
            ['Quantity', (b) => b.settings.quantity],
            ['Last press', (b) => when(b.lastPressAt)],
            ['Battery', (b) => battery(b.batteryMv)],
            ['Settings', (b) => settingsForm(b)],
          ],
          list,
          'No buttons yet: claim one with the code on its box.',
          (b) => ({ 'data-device': b.deviceId }),
        ),
      );
    } catch (error) {
      buttons.say(String((error as Error).message), 'error');
    }
  }

  function settingsForm(button: Button): HTMLElement {
    const s = button.settings;
    const sku = h('input', { name: 'skuId', value: s.skuId ?? '', autocomplete: 'off' });
    const quantity = h('input', {
      name: 'quantity',
      type: 'number',
      min: 1,
      max: 99,
      value: s.quantity,
    });
    const window = h('input', {
      name: 'cancelWindowMinutes',
      type: 'number',
      min: 0,
      max: 1440,
      value: s.cancelWindowMinutes,
    });
    const maxOpen = h('input', {
      name: 'maxOpenOrders',
      type: 'number',
      min: 1,
      max: 10,
      value: s.maxOpenOrders,
    });
    const limit = h('input', {
      name: 'priceIncreaseLimitPct',
      type: 'number',
      min: 0,
      max: 100,
      value: s.priceIncreaseLimitPct,
    });
    const confirmFirst = h('input', {
      name: 'confirmFirstOrder',
      type: 'checkbox',
      checked: s.confirmFirstOrder,
    });
    const form = h(
      'form',
      { class: 'settings' },
      field('SKU', sku),
      field('Quantity', quantity),
      field('Cancel window (minutes)', window),
      field('Open orders at most', maxOpen),
      field('Ask me when the price rises by more than (%)', limit),
      h('label', { class: 'check' }, confirmFirst, ' Ask me to confirm the first order'),
      h('button', { type: 'submit' }, 'Save settings'),
    );
    form.addEventListener('submit', async (event) => {
      event.preventDefault();
      const changes: SettingsChanges = {};
      if (sku.value.trim() !== (s.skuId ?? '')) changes.skuId = sku.value.trim() || null;
      if (Number(quantity.value) !== s.quantity) changes.quantity = Number(quantity.value);
      if (Number(window.value) !== s.cancelWindowMinutes)
        changes.cancelWindowMinutes = Number(window.value);
      if (Number(maxOpen.value) !== s.maxOpenOrders) changes.maxOpenOrders = Number(maxOpen.value);
      if (Number(limit.value) !== s.priceIncreaseLimitPct)
        changes.priceIncreaseLimitPct = Number(limit.value);
      if (confirmFirst.checked !== s.confirmFirstOrder)
        changes.confirmFirstOrder = confirmFirst.checked;
      if (Object.keys(changes).length === 0) {
        buttons.say(`Nothing changed for ${button.deviceId}.`);
        return;
      }
      try {
        await api.patch(`/v1/household/buttons/${button.deviceId}/settings`, changes);
        buttons.say(`Settings saved for ${button.deviceId}.`);
        await loadButtons();
      } catch (error) {
        buttons.say((error as Error).message, 'error');
      }
    });
    return h('details', {}, h('summary', {}, `Settings for ${button.deviceId}`), form);
  }

  async function loadOrders(): Promise<void> {
    try {
      const list = (await api.get<{ items: Order[] }>('/v1/household/orders?limit=50')).items;
      fill(
        orders.body,
        table<Order>(
          'My orders',
          [
            ['Order', (o) => h('code', {}, o.orderId)],
            ['Product', (o) => o.skuName],
            ['Amount', (o) => orderTotal(o)],
            ['Placed', (o) => when(o.placedAt)],
            ['Status', (o) => statusBadge(o.status)],
            ['Time to cancel', (o) => countdown(o)],
            ['', (o) => orderActions(o)],
          ],
          list,
          'No orders yet. Press a button!',
          (o) => ({ 'data-order': o.orderId, 'data-status': o.status }),
        ),
      );
    } catch (error) {
      orders.say((error as Error).message, 'error');
    }
  }

  function orderActions(order: Order): HTMLElement | null {
    const act = (label: string, step: string, done: string, cls = '') =>
      h(
        'button',
        {
          type: 'button',
          class: cls,
          'aria-label': `${label} order ${order.orderId}`,
          onclick: async () => {
            try {
              await api.post(`/v1/household/orders/${order.orderId}/${step}`, {});
              orders.say(`Order ${order.orderId} ${done}.`);
              await refresh();
            } catch (error) {
              orders.say((error as Error).message, 'error');
            }
          },
        },
        label,
      );
    if (order.status === 'NEEDS_CONFIRMATION') {
      return h(
        'div',
        { class: 'confirm' },
        priceChange(order),
        h(
          'div',
          { class: 'row' },
          act('Confirm', 'confirm', 'confirmed at the new price'),
          act('Decline', 'decline', 'declined', 'secondary'),
        ),
      );
    }
    if (order.status === 'PLACED' && order.cancelDeadline > Date.now()) {
      return act('Cancel', 'cancel', 'cancelled', 'danger');
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
          ? h('p', { class: 'empty' }, 'Nothing yet.')
          : h(
              'ul',
              { class: 'notes' },
              list.map((n) => h('li', {}, h('time', {}, when(n.at)), ' ', n.message)),
            ),
      );
    } catch (error) {
      notes.say((error as Error).message, 'error');
    }
  }

  // Export and erasure.
  const exportButton = h('button', { type: 'button' }, 'Export my data (JSON)');
  exportButton.addEventListener('click', async () => {
    try {
      const data = await api.get<unknown>('/v1/household/export');
      const url = URL.createObjectURL(
        new Blob([JSON.stringify(data, null, 2)], { type: 'application/json' }),
      );
      const link = h('a', { href: url, download: `restock-export-${me}.json` }, 'download');
      link.click();
      account.say('Your data was exported as a JSON file.');
      setTimeout(() => URL.revokeObjectURL(url), 10_000);
    } catch (error) {
      account.say((error as Error).message, 'error');
    }
  });
  const confirmInput = h('input', { name: 'confirm-erase', autocomplete: 'off' });
  const eraseForm = h(
    'form',
    { class: 'erase', hidden: true },
    h(
      'p',
      {},
      'This deletes your name, e-mail, address, notifications and releases your buttons. Orders are kept without your details (tax records). It cannot be undone.',
    ),
    field(`Type your household id (${me}) to confirm`, confirmInput),
    h(
      'div',
      { class: 'row' },
      h('button', { type: 'submit', class: 'danger' }, 'Erase my account for good'),
      h(
        'button',
        { type: 'button', class: 'secondary', onclick: () => (eraseForm.hidden = true) },
        'Keep my account',
      ),
    ),
  );
  eraseForm.addEventListener('submit', async (event) => {
    event.preventDefault();
    if (confirmInput.value.trim() !== me) {
      account.say(`Type ${me} exactly to confirm.`, 'error');
      confirmInput.focus();
      return;
    }
    try {
      const summary = await api.delete<Erasure>('/v1/household');
      account.say(
        `Account erased: ${summary.ordersAnonymised} orders anonymised, ${summary.buttonsReleased} buttons released.`,
      );
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
    'Erase my account…',
  );
  fill(account.body, h('div', { class: 'row' }, exportButton, eraseStart), eraseForm);

  void refresh();
  return h(
    'div',
    { class: 'view', 'data-view': 'household' },
    orders.el,
    buttons.el,
    notes.el,
    account.el,
  );
}
