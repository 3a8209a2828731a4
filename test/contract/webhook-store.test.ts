/**
 * The WebhookStore contract on every store: endpoints per brand, secrets replaced only from the
 * version read, one delivery per endpoint and event however often the event arrives, the due
 * queue by time, state changes only from the state read, dead letters per brand.
 */
import { expect, it } from 'vitest';
import type {
  WebhookDelivery,
  WebhookEndpoint,
  WebhookSecrets,
} from '../../cloud/core/webhooks/webhooks.ts';
import { describeOnEveryStore } from '../helpers/stores.ts';

const endpoint = (brandId: string, endpointId: string): WebhookEndpoint => ({
  brandId,
  endpointId,
  url: `https://hooks.example.org/${endpointId}`,
  eventTypes: ['order.placed', 'order.cancelled'],
  createdAt: 1,
});

const delivery = (id: string, nextAttemptAt: number, brandId = 'acme'): WebhookDelivery => ({
  deliveryId: id,
  brandId,
  endpointId: 'we_1',
  url: 'https://hooks.example.org/we_1',
  eventId: `btn-1-${id}/1`,
  eventType: 'order.placed',
  body: '{"id":"x"}',
  status: 'PENDING',
  attempts: 0,
  createdAt: nextAttemptAt,
  nextAttemptAt,
  lastAttemptAt: null,
  lastError: null,
  deliveredAt: null,
  deadAt: null,
});

const secrets = (version: number): WebhookSecrets => ({
  brandId: 'acme',
  version,
  current: { secretId: `whsec_${version}`, secret: `s${version}`, createdAt: version },
  previous: null,
  previousUntil: null,
});

describeOnEveryStore('WebhookStore', (open) => {
  it('keeps endpoints per brand', async () => {
    const { api } = await open();
    await api.webhooks.putEndpoint(endpoint('acme', 'we_2'));
    await api.webhooks.putEndpoint(endpoint('acme', 'we_1'));
    await api.webhooks.putEndpoint(endpoint('globex', 'we_3'));
    expect((await api.webhooks.listEndpoints('acme')).map((e) => e.endpointId)).toEqual([
      'we_1',
      'we_2',
    ]);
    expect(await api.webhooks.getEndpoint('acme', 'we_1')).toEqual(endpoint('acme', 'we_1'));
    expect(await api.webhooks.getEndpoint('globex', 'we_1')).toBeNull();
    expect(await api.webhooks.deleteEndpoint('globex', 'we_1')).toBe(false);
    expect(await api.webhooks.deleteEndpoint('acme', 'we_1')).toBe(true);
    expect((await api.webhooks.listEndpoints('acme')).map((e) => e.endpointId)).toEqual(['we_2']);
  });

  it('replaces secrets only from the version read', async () => {
    const { api } = await open();
    expect(await api.webhooks.getSecrets('acme')).toBeNull();
    expect(await api.webhooks.putSecrets(secrets(1), 0)).toBe(true);
    expect(await api.webhooks.putSecrets(secrets(1), 0)).toBe(false);
    expect(await api.webhooks.putSecrets(secrets(2), 3)).toBe(false);
    expect(await api.webhooks.putSecrets(secrets(2), 1)).toBe(true);
    expect(await api.webhooks.getSecrets('acme')).toEqual(secrets(2));
    expect(await api.webhooks.getSecrets('globex')).toBeNull();
  });

  it('adds a delivery once, queues it by time and changes it only from the state read', async () => {
    const { api } = await open();
    expect(await api.webhooks.addDelivery(delivery('b', 200))).toBe(true);
    expect(await api.webhooks.addDelivery(delivery('a', 100))).toBe(true);
    expect(await api.webhooks.addDelivery({ ...delivery('a', 100), body: 'changed' })).toBe(false);
    expect(await api.webhooks.addDelivery(delivery('c', 300, 'globex'))).toBe(true);
    const ids = async (now: number) =>
      (await api.webhooks.dueDeliveries(now, 10)).map((d) => d.deliveryId);
    expect(await ids(99)).toEqual([]);
    expect(await ids(200)).toEqual(['a', 'b']);
    expect(await ids(1000)).toEqual(['a', 'b', 'c']);
    expect((await api.webhooks.dueDeliveries(1000, 1)).map((d) => d.deliveryId)).toEqual(['a']);

    const a = delivery('a', 100);
    const retried = { ...a, attempts: 1, nextAttemptAt: 500, lastError: 'HTTP 500' };
    expect(await api.webhooks.updateDelivery(retried, { status: 'PENDING', attempts: 0 })).toBe(
      true,
    );
    expect(await api.webhooks.updateDelivery(retried, { status: 'PENDING', attempts: 0 })).toBe(
      false,
    );
    expect(await ids(200)).toEqual(['b']);
    const delivered = { ...retried, attempts: 2, status: 'DELIVERED' as const, deliveredAt: 600 };
    expect(await api.webhooks.updateDelivery(delivered, { status: 'PENDING', attempts: 1 })).toBe(
      true,
    );
    expect(await ids(1000)).toEqual(['b', 'c']);
    expect(await api.webhooks.getDelivery('acme', 'a')).toEqual(delivered);
    expect(await api.webhooks.getDelivery('globex', 'a')).toBeNull();
  });

  it('lists a brand’s dead letters newest first, paged', async () => {
    const { api } = await open();
    for (const [id, deadAt] of [
      ['x', 10],
      ['y', 30],
      ['z', 20],
    ] as const) {
      const d = delivery(id, 1);
      await api.webhooks.addDelivery(d);
      const dead = { ...d, status: 'DEAD' as const, attempts: 1, deadAt };
      expect(await api.webhooks.updateDelivery(dead, { status: 'PENDING', attempts: 0 })).toBe(
        true,
      );
    }
    await api.webhooks.addDelivery(delivery('w', 1));
    const first = await api.webhooks.listDeadDeliveries('acme', { limit: 2 });
    expect(first.items.map((d) => d.deliveryId)).toEqual(['y', 'z']);
    const rest = await api.webhooks.listDeadDeliveries('acme', { limit: 2, cursor: first.cursor });
    expect(rest.items.map((d) => d.deliveryId)).toEqual(['x']);
    expect((await api.webhooks.listDeadDeliveries('globex', { limit: 5 })).items).toEqual([]);
    expect(await api.webhooks.dueDeliveries(100, 10)).toEqual([
      expect.objectContaining({ deliveryId: 'w' }),
    ]);
  });

  it('lists every delivery of a brand, newest queued first, paged', async () => {
    const { api } = await open();
    for (const [id, createdAt] of [
      ['p', 10],
      ['q', 30],
      ['r', 20],
    ] as const) {
      await api.webhooks.addDelivery({ ...delivery(id, createdAt), createdAt });
    }
    await api.webhooks.addDelivery({ ...delivery('s', 40, 'globex'), createdAt: 40 });
    const dead = { ...delivery('r', 20), createdAt: 20, status: 'DEAD' as const, attempts: 1 };
    expect(await api.webhooks.updateDelivery(dead, { status: 'PENDING', attempts: 0 })).toBe(true);
    const first = await api.webhooks.listDeliveries('acme', { limit: 2 });
    expect(first.items.map((d) => [d.deliveryId, d.status])).toEqual([
      ['q', 'PENDING'],
      ['r', 'DEAD'],
    ]);
    const rest = await api.webhooks.listDeliveries('acme', { limit: 2, cursor: first.cursor });
    expect(rest.items.map((d) => d.deliveryId)).toEqual(['p']);
    expect(rest.cursor).toBeUndefined();
  });
});
