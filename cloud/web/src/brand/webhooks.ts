/**
 * Webhooks: the signing secret (created or rotated here, shown once, both secrets valid during
 * the rotation window), the endpoints and the event types each receives, the recent deliveries
 * in every state, and the dead letters with a replay button.
 */
import { WEBHOOK_EVENT_TYPES } from '../../../core/webhooks/event-types.ts';
import type { Api } from '../api.ts';
import { fact, fill, h, panel, table } from '../dom.ts';
import { when } from '../format.ts';
import { t } from '../i18n.ts';
import type { Page, WebhookDelivery, WebhookEndpoint, WebhookSecret, Webhooks } from '../types.ts';
import { bm } from './messages.ts';
import { pagedTable } from './paged.ts';
import type { Screen } from './screen.ts';

export const webhooksScreen: Screen = {
  id: 'webhooks',
  title: () => bm().webhooksTitle,
  render: webhooksView,
};

function deliveryBadge(status: WebhookDelivery['status']): HTMLElement {
  const look = { PENDING: 'placed', DELIVERED: 'delivered', DEAD: 'cancelled' }[status];
  return h('span', { class: `badge badge-${look}`, 'data-status': status }, bm().delivery[status]);
}

function webhooksView(api: Api): HTMLElement {
  const m = t();
  const b = bm();
  const secretPanel = panel(b.secretTitle, 'secret');
  const endpointsPanel = panel(b.endpointsTitle, 'endpoints');
  const deliveriesPanel = panel(b.deliveriesTitle, 'deliveries', [
    h(
      'button',
      { type: 'button', class: 'secondary', onclick: () => void deliveries.refresh() },
      m.refresh,
    ),
  ]);
  const deadPanel = panel(b.deadTitle, 'dead-letters');
  const shown = h('div', { class: 'secret-once' });

  async function load(): Promise<void> {
    try {
      const hooks = await api.get<Webhooks>('/v1/brand/webhooks');
      renderSecret(hooks.secret);
      renderEndpoints(hooks.endpoints);
    } catch (error) {
      secretPanel.say((error as Error).message, 'error');
    }
  }

  function renderSecret(secret: Webhooks['secret']): void {
    const rotate = h(
      'button',
      {
        type: 'button',
        onclick: async () => {
          try {
            const fresh = await api.post<WebhookSecret>('/v1/brand/webhooks/secret', {});
            fill(
              shown,
              h('p', {}, b.secretShownOnce),
              h('code', { class: 'secret', 'data-secret-id': fresh.secretId }, fresh.secret),
            );
            await load();
            secretPanel.say(b.secretCreated(fresh.secretId));
          } catch (error) {
            secretPanel.say((error as Error).message, 'error');
          }
        },
      },
      secret ? b.rotateSecret : b.createSecret,
    );
    fill(
      secretPanel.body,
      secret
        ? h(
            'dl',
            { class: 'facts' },
            fact(b.currentSecret, h('code', {}, secret.secretId)),
            fact(b.createdAt, when(secret.createdAt)),
            secret.previousSecretId
              ? fact(b.previousSecret, h('code', {}, secret.previousSecretId))
              : [],
          )
        : h('p', { class: 'empty' }, b.noSecret),
      secret?.previousSecretId && secret.previousUntil
        ? h(
            'p',
            { class: 'window', 'data-window-until': secret.previousUntil },
            b.bothSign(secret.secretId, secret.previousSecretId, when(secret.previousUntil)),
          )
        : secret
          ? h('p', { class: 'hint' }, b.rotationExplained)
          : null,
      shown,
      h('div', { class: 'row' }, rotate),
    );
  }

  function renderEndpoints(endpoints: WebhookEndpoint[]): void {
    fill(
      endpointsPanel.body,
      table<WebhookEndpoint>(
        b.endpointsTitle,
        [
          [b.url, (e) => h('code', { class: 'url' }, e.url)],
          [b.eventTypes, (e) => e.eventTypes.join(', ')],
          [b.createdAt, (e) => when(e.createdAt)],
          [
            m.actions,
            (e) =>
              h(
                'button',
                {
                  type: 'button',
                  class: 'secondary',
                  'aria-label': b.removeNamed(e.url),
                  onclick: async () => {
                    try {
                      await api.delete(
                        `/v1/brand/webhooks/endpoints/${encodeURIComponent(e.endpointId)}`,
                      );
                      await load();
                      endpointsPanel.say(b.endpointRemoved(e.url));
                    } catch (error) {
                      endpointsPanel.say((error as Error).message, 'error');
                    }
                  },
                },
                b.remove,
              ),
          ],
        ],
        endpoints,
        b.noEndpoints,
        (e) => ({ 'data-endpoint': e.endpointId }),
      ),
      addForm(),
    );
  }

  function addForm(): HTMLElement {
    const url = h('input', {
      name: 'url',
      type: 'url',
      required: true,
      placeholder: 'https://orders.example.com/restock',
      pattern: 'https://.*',
    });
    const boxes = WEBHOOK_EVENT_TYPES.map((type) =>
      h('input', { type: 'checkbox', name: 'eventTypes', value: type, checked: true }),
    );
    const form = h(
      'form',
      { class: 'grid-form' },
      h(
        'label',
        { class: 'field wide' },
        h('span', { class: 'field-label' }, b.endpointUrl),
        url,
        h('small', {}, b.httpsOnly),
      ),
      h(
        'fieldset',
        { class: 'wide event-types' },
        h('legend', {}, b.eventTypes),
        boxes.map((box) => h('label', { class: 'check' }, box, h('code', {}, box.value))),
      ),
      h('button', { type: 'submit' }, b.addEndpoint),
    );
    form.addEventListener('submit', async (event) => {
      event.preventDefault();
      const eventTypes = boxes.filter((box) => box.checked).map((box) => box.value);
      if (eventTypes.length === 0) {
        endpointsPanel.say(b.pickEventType, 'error');
        return;
      }
      try {
        await api.post<WebhookEndpoint>('/v1/brand/webhooks/endpoints', {
          url: url.value.trim(),
          eventTypes,
        });
        await load();
        endpointsPanel.say(b.endpointAdded(url.value.trim()));
      } catch (error) {
        endpointsPanel.say((error as Error).message, 'error');
      }
    });
    return h('div', {}, h('h3', {}, b.addEndpointTitle), form);
  }

  const deliveryColumns: [string, (d: WebhookDelivery) => Node | string | number][] = [
    [b.event, (d) => h('code', {}, d.eventType)],
    [b.eventId, (d) => h('code', {}, d.eventId)],
    [b.url, (d) => h('code', { class: 'url' }, d.url)],
    [b.queued, (d) => when(d.createdAt)],
    [m.statusColumn, (d) => deliveryBadge(d.status)],
    [b.attempts, (d) => d.attempts],
    [b.lastError, (d) => d.lastError ?? '—'],
  ];

  const deliveries = pagedTable<WebhookDelivery>({
    caption: b.deliveriesTitle,
    empty: b.noDeliveries,
    load: (query) => api.get<Page<WebhookDelivery>>(`/v1/brand/webhooks/deliveries?${query}`),
    onError: (message) => deliveriesPanel.say(message, 'error'),
    rowAttrs: (d) => ({ 'data-delivery': d.deliveryId, 'data-status': d.status }),
    columns: [
      ...deliveryColumns,
      [
        b.nextOrDone,
        (d) =>
          d.status === 'DELIVERED'
            ? when(d.deliveredAt)
            : d.status === 'DEAD'
              ? when(d.deadAt)
              : when(d.nextAttemptAt),
      ],
    ],
  });
  fill(deliveriesPanel.body, deliveries.el);

  const dead = pagedTable<WebhookDelivery>({
    caption: b.deadTitle,
    empty: b.noDead,
    load: (query) => api.get<Page<WebhookDelivery>>(`/v1/brand/webhooks/dead-letters?${query}`),
    onError: (message) => deadPanel.say(message, 'error'),
    rowAttrs: (d) => ({ 'data-delivery': d.deliveryId }),
    columns: [
      ...deliveryColumns,
      [b.deadSince, (d) => when(d.deadAt)],
      [
        m.actions,
        (d) =>
          h(
            'button',
            {
              type: 'button',
              'aria-label': b.replayNamed(d.eventId),
              onclick: async () => {
                try {
                  await api.post<WebhookDelivery>(
                    `/v1/brand/webhooks/dead-letters/${encodeURIComponent(d.deliveryId)}/replay`,
                    {},
                  );
                  await Promise.all([dead.reload(), deliveries.reload()]);
                  deadPanel.say(b.replayed(d.eventId));
                } catch (error) {
                  deadPanel.say((error as Error).message, 'error');
                }
              },
            },
            b.replay,
          ),
      ],
    ],
  });
  fill(deadPanel.body, dead.el);

  void load();
  void deliveries.reload();
  void dead.reload();
  return h(
    'div',
    { class: 'view' },
    endpointsPanel.el,
    secretPanel.el,
    deliveriesPanel.el,
    deadPanel.el,
  );
}
