/**
 * The sandbox as a brand uses it through the API, on the in-memory table and on dynalite:
 * virtual test buttons pressed through the press pipeline, real buttons marked as test
 * buttons, TEST orders kept out of fulfilment, totals, insight, credits and household
 * notifications, webhooks flagged `test`, and a reset after which the buttons order again.
 */
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { dynaliteFactory, memoryFactory, type StoreFactory } from '../../helpers/stores.ts';
import { confirmOrder, type Fixture, seed } from './helpers/fixture.ts';
import { ApiHarness } from './helpers/harness.ts';

for (const factory of [memoryFactory, dynaliteFactory] as StoreFactory[]) {
  describe(`sandbox (${factory.name})`, () => {
    let server: Awaited<ReturnType<StoreFactory['start']>>;
    let h: ApiHarness;
    let f: Fixture;
    beforeAll(async () => {
      server = await factory.start();
    });
    afterAll(async () => server.stop());
    beforeEach(async () => {
      h = await ApiHarness.open(await server.open());
      f = await seed(h);
    });
    afterEach(() => h.close());

    const brand = (method: string, path: string, body?: unknown) =>
      h.call(method, path, { token: f.tokens.acme, body });

    async function virtualButton(skuId = 'coffee'): Promise<string> {
      const made = await brand('POST', '/v1/brand/test-buttons', { skuId });
      expect(made.status).toBe(201);
      return made.body.deviceId;
    }

    it('a virtual button orders through the pipeline; its TEST order stays out of every real list', async () => {
      await h.call('PUT', '/v1/brand/welcome-credits/coffee', {
        token: f.tokens.acme,
        body: { amount: 499, currency: 'EUR' },
      });
      const deviceId = await virtualButton();
      const pressed = await brand('POST', `/v1/brand/test-buttons/${deviceId}/press`, {});
      expect(pressed.status).toBe(200);
      expect(pressed.body).toMatchObject({
        deviceId,
        seq: 1,
        outcome: 'ORDERED',
        duplicate: false,
      });
      const orderId = pressed.body.orderId as string;
      // The ack came from the press pipeline itself: signed with the button's key, logged there.
      expect(h.world.acks.at(-1)?.ack).toMatchObject({
        device: deviceId,
        seq: 1,
        outcome: 'ORDERED',
      });
      // The button's open order answers the next press as a real button's would.
      const again = await brand('POST', `/v1/brand/test-buttons/${deviceId}/press`, {
        click: 'SINGLE',
      });
      expect([again.body.seq, again.body.outcome]).toEqual([2, 'IN_PROGRESS']);

      const listed = await brand('GET', '/v1/brand/test-orders?limit=10');
      expect(
        listed.body.items.map((o: { orderId: string; test: boolean }) => [o.orderId, o.test]),
      ).toEqual([[orderId, true]]);
      const placed = await brand('GET', '/v1/brand/orders?status=PLACED');
      expect(placed.body.items.map((o: { orderId: string }) => o.orderId)).not.toContain(orderId);

      // Through its whole life: confirmed, shipped, delivered — never fulfilment, never counted.
      await confirmOrder(h);
      const fulfilment = await brand('GET', '/v1/brand/fulfilment');
      expect(fulfilment.body.items.map((o: { orderId: string }) => o.orderId)).toEqual([f.orderId]);
      const totalsBefore = (await brand('GET', '/v1/brand/totals')).body;
      expect(totalsBefore.orders).toBe(1);
      await brand('POST', `/v1/brand/orders/${orderId}/ship`);
      const delivered = await brand('POST', `/v1/brand/orders/${orderId}/deliver`);
      expect(delivered.body.status).toBe('DELIVERED');
      expect(delivered.body.discount ?? null).toBeNull();
      const totalsAfter = (await brand('GET', '/v1/brand/totals')).body;
      expect(totalsAfter).toEqual(totalsBefore);
      const insight = (await brand('GET', '/v1/brand/insight')).body;
      expect(JSON.stringify(insight)).not.toContain(orderId);
      // The household's lists never hold it.
      const household = await h.call('GET', '/v1/household/orders', { token: f.tokens.hh1 });
      expect(household.body.items.map((o: { orderId: string }) => o.orderId)).toEqual([f.orderId]);
    });

    it('reset deletes the brand’s test orders and the test buttons order again', async () => {
      const deviceId = await virtualButton();
      const first = await brand('POST', `/v1/brand/test-buttons/${deviceId}/press`, {});
      expect(first.body.outcome).toBe('ORDERED');
      const blocked = await brand('POST', `/v1/brand/test-buttons/${deviceId}/press`, {});
      expect(blocked.body.outcome).toBe('IN_PROGRESS');
      const before = await h.snapshot();

      const reset = await brand('POST', '/v1/brand/test-orders/reset');
      expect(reset.body).toEqual({ ordersDeleted: 1, buttonsReset: 1 });
      expect((await brand('GET', '/v1/brand/test-orders')).body.items).toEqual([]);
      // Nothing else went: the real order and the fixture's items are untouched.
      expect((await h.world.store.orders.getOrder(f.orderId))?.status).toBe('PLACED');
      expect((await h.snapshot()).length).toBeLessThan(before.length);

      const next = await brand('POST', `/v1/brand/test-buttons/${deviceId}/press`, {});
      expect([next.body.seq, next.body.outcome]).toEqual([3, 'ORDERED']);
      // A second reset with nothing left is harmless.
      await brand('POST', '/v1/brand/test-orders/reset');
      expect((await brand('POST', '/v1/brand/test-orders/reset')).body).toEqual({
        ordersDeleted: 0,
        buttonsReset: 0,
      });
    });

    it('a real button marked test makes TEST orders its household sees as such, and none notified', async () => {
      // hh-1's open order is delivered first, so btn-a can order again.
      await confirmOrder(h);
      await brand('POST', `/v1/brand/orders/${f.orderId}/ship`);
      await brand('POST', `/v1/brand/orders/${f.orderId}/deliver`);
      const marked = await brand('PUT', '/v1/brand/buttons/btn-a/test', { test: true });
      expect([marked.status, marked.body.test]).toEqual([200, true]);
      const notesBefore = (
        await h.call('GET', '/v1/household/notifications', { token: f.tokens.hh1 })
      ).body.items.length;

      h.clock.advance(40 * 86_400_000);
      const hh1 = await h.token('household', 'hh-1');
      const acme = await h.token('brand', 'acme');
      const pressed = await h.device('btn-a').press('SINGLE');
      expect(pressed.outcome).toBe('ORDERED');
      const seen = await h.call('GET', `/v1/household/orders/${pressed.orderId}`, { token: hh1 });
      expect(seen.body.test).toBe(true);
      const notesAfter = (await h.call('GET', '/v1/household/notifications', { token: hh1 })).body
        .items.length;
      expect(notesAfter).toBe(notesBefore);
      const test = await h.call('GET', '/v1/brand/test-orders', { token: acme });
      expect(test.body.items.map((o: { orderId: string }) => o.orderId)).toEqual([pressed.orderId]);

      // Marked real again (after a reset frees it), its next order is a real one.
      await h.call('POST', '/v1/brand/test-orders/reset', { token: acme });
      await h.call('PUT', '/v1/brand/buttons/btn-a/test', { token: acme, body: { test: false } });
      const real = await h.device('btn-a').press('SINGLE');
      expect(real.outcome).toBe('ORDERED');
      const order = await h.call('GET', `/v1/household/orders/${real.orderId}`, { token: hh1 });
      expect(order.body.test).toBeUndefined();
    });

    it('webhook deliveries of test orders carry "test": true', async () => {
      await h.world.store.api.webhooks.putEndpoint({
        brandId: 'acme',
        endpointId: 'we_1',
        url: 'https://hooks.example.org/in',
        eventTypes: ['order.placed'],
        createdAt: 1,
      });
      const deviceId = await virtualButton();
      const pressed = await brand('POST', `/v1/brand/test-buttons/${deviceId}/press`, {});
      const due = await h.world.store.api.webhooks.dueDeliveries(h.clock.now() + 1, 50);
      const bodies = due.map((d) => JSON.parse(d.body));
      const mine = bodies.find((b) => b.data.order.orderId === pressed.body.orderId);
      expect(mine).toMatchObject({
        type: 'order.placed',
        test: true,
        data: { order: { test: true } },
      });
    });

    it('a virtual button reports a healthy battery: fleet health shows it ok, no low-battery event', async () => {
      await h.world.store.api.webhooks.putEndpoint({
        brandId: 'acme',
        endpointId: 'we_1',
        url: 'https://hooks.example.org/in',
        eventTypes: ['order.placed', 'button.low_battery'],
        createdAt: 1,
      });
      const deviceId = await virtualButton();
      await brand('POST', `/v1/brand/test-buttons/${deviceId}/press`, {});
      const health = (await brand('GET', '/v1/brand/health')).body.buttons as {
        deviceId: string;
      }[];
      expect(health.find((b) => b.deviceId === deviceId)).toMatchObject({
        batteryMv: 3700,
        status: 'ok',
      });
      const due = await h.world.store.api.webhooks.dueDeliveries(h.clock.now() + 1, 50);
      expect(due.map((d) => JSON.parse(d.body).type)).toEqual(['order.placed']);
    });

    it('refuses what is not the brand’s or not a virtual button', async () => {
      const deviceId = await virtualButton();
      const globex = await h.call('POST', `/v1/brand/test-buttons/${deviceId}/press`, {
        token: f.tokens.globex,
        body: {},
      });
      expect(globex.status).toBe(404);
      const real = await brand('POST', '/v1/brand/test-buttons/btn-a/press', {});
      expect(real.status).toBe(404);
      const unmark = await brand('PUT', `/v1/brand/buttons/${deviceId}/test`, { test: false });
      expect([unmark.status, unmark.body.error.code]).toEqual([422, 'VIRTUAL_TEST_BUTTON']);
      const foreignSku = await brand('POST', '/v1/brand/test-buttons', { skuId: 'soap' });
      expect([foreignSku.status, foreignSku.body.error.code]).toEqual([422, 'UNKNOWN_SKU']);
      const badClick = await brand('POST', `/v1/brand/test-buttons/${deviceId}/press`, {
        click: 'TRIPLE',
      });
      expect(badClick.status).toBe(400);
      const markForeign = await h.call('PUT', '/v1/brand/buttons/btn-a/test', {
        token: f.tokens.globex,
        body: { test: true },
      });
      expect(markForeign.status).toBe(404);
    });
  });
}
