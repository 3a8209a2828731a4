/**
 * One contract for the API's store ports, run against the in-memory fakes, dynalite and
 * DynamoDB Local (api-stores.test.ts). What one adapter does, all must do.
 */
import { describe, expect, it } from 'vitest';
import type { ApiStores } from '../../cloud/api/deps.ts';
import { ConflictError } from '../../cloud/core/errors.ts';
import { type Button, DEFAULT_SETTINGS, type Sku } from '../../cloud/core/model.ts';
import { BadCursorError } from '../../cloud/store/page-cursor.ts';

export type ContractStores = Omit<ApiStores, 'orders'>;

const T = Date.UTC(2026, 10, 23, 12, 0, 0);

const sku = (brandId: string, skuId: string): Sku => ({
  brandId,
  skuId,
  name: skuId,
  priceCents: 100,
  currency: 'EUR',
  maxQuantity: 3,
  inStock: true,
  retired: false,
  priceHistory: [{ priceCents: 100, at: T }],
  updatedAt: T,
});

const button = (deviceId: string, brandId = 'acme'): Button => ({
  deviceId,
  brandId,
  serial: `SN-${deviceId}`,
  keyVersion: 1,
  householdId: null,
  settings: { ...DEFAULT_SETTINGS, skuId: 'coffee' },
  highWaterMark: 0,
  open: [],
  lastPressAt: null,
  batteryMv: null,
  createdAt: T,
});

export function apiStoreContract(open: () => Promise<ContractStores>): void {
  describe('SkuStore', () => {
    it('creates once, reads, replaces under an optimistic lock', async () => {
      const { skus } = await open();
      expect(await skus.createSku(sku('acme', 'coffee'))).toBe(true);
      expect(await skus.createSku(sku('acme', 'coffee'))).toBe(false);
      expect(await skus.getSku('acme', 'coffee')).toEqual(sku('acme', 'coffee'));
      expect(await skus.getSku('globex', 'coffee')).toBeNull();
      const next = { ...sku('acme', 'coffee'), priceCents: 200, updatedAt: T + 1 };
      expect(await skus.replaceSku(next, T)).toBe(true);
      expect(await skus.replaceSku({ ...next, priceCents: 300 }, T)).toBe(false);
      expect((await skus.getSku('acme', 'coffee'))?.priceCents).toBe(200);
    });

    it('pages a brand’s SKUs by id and refuses another partition’s cursor', async () => {
      const { skus } = await open();
      for (const id of ['c', 'a', 'b']) await skus.createSku(sku('acme', id));
      await skus.createSku(sku('globex', 'z'));
      const first = await skus.listSkus('acme', { limit: 2 });
      expect(first.items.map((s) => s.skuId)).toEqual(['a', 'b']);
      const second = await skus.listSkus('acme', { limit: 2, cursor: first.cursor });
      expect(second.items.map((s) => s.skuId)).toEqual(['c']);
      expect(second.cursor).toBeUndefined();
      await expect(
        skus.listSkus('globex', { limit: 2, cursor: first.cursor }),
      ).rejects.toBeInstanceOf(BadCursorError);
      await expect(skus.listSkus('acme', { limit: 2, cursor: 'garbage' })).rejects.toBeInstanceOf(
        BadCursorError,
      );
    });
  });

  describe('ButtonStore', () => {
    it('creates once and lists by brand, paged', async () => {
      const { buttons } = await open();
      for (const id of ['b2', 'b1', 'b3'])
        expect(await buttons.createButton(button(id), `h-${id}`)).toBe(true);
      await buttons.createButton(button('x1', 'globex'), 'h-x1');
      expect(await buttons.createButton(button('b1'), 'h-b1')).toBe(false);
      // Nothing learned yet: the household's rhythm starts empty.
      expect(await buttons.getButton('b1')).toEqual({ ...button('b1'), rhythm: {} });
      const first = await buttons.listBrandButtons('acme', { limit: 2 });
      const second = await buttons.listBrandButtons('acme', { limit: 2, cursor: first.cursor });
      expect([...first.items, ...second.items].map((b) => b.deviceId)).toEqual(['b1', 'b2', 'b3']);
    });

    it('forgets the rhythm only for the household that holds the button', async () => {
      const { buttons } = await open();
      await buttons.createButton(button('b1'), 'h-b1');
      expect(await buttons.forgetRhythm('b1', 'hh-1')).toBe(false);
      await buttons.assignHousehold('b1', 'hh-1');
      expect(await buttons.forgetRhythm('b1', 'hh-2')).toBe(false);
      expect(await buttons.forgetRhythm('b1', 'hh-1')).toBe(true);
      expect((await buttons.getButton('b1'))?.rhythm ?? {}).toEqual({});
      expect(await buttons.forgetRhythm('nobody', 'hh-1')).toBe(false);
    });

    it('assigns a household exactly once, even concurrently', async () => {
      const { buttons } = await open();
      await buttons.createButton(button('b1'), 'h');
      const results = await Promise.all([
        buttons.assignHousehold('b1', 'hh-1'),
        buttons.assignHousehold('b1', 'hh-2'),
      ]);
      expect([...results].sort()).toEqual(['assigned', 'taken']);
      const winner = results[0] === 'assigned' ? 'hh-1' : 'hh-2';
      expect(await buttons.assignHousehold('b1', winner)).toBe('already-yours');
      expect(await buttons.assignHousehold('nope', winner)).toBe('missing');
      const listed = await buttons.listHouseholdButtons(winner, { limit: 10 });
      expect(listed.items.map((b) => b.deviceId)).toEqual(['b1']);
    });

    it('patches named settings only for the owner', async () => {
      const { buttons } = await open();
      await buttons.createButton(button('b1'), 'h');
      await buttons.assignHousehold('b1', 'hh-1');
      expect(await buttons.patchSettings('b1', { householdId: 'hh-2' }, { quantity: 2 })).toBe(
        false,
      );
      expect(await buttons.patchSettings('b1', { brandId: 'globex' }, { skuId: 'tea' })).toBe(
        false,
      );
      expect(await buttons.patchSettings('b1', { householdId: 'hh-1' }, { quantity: 2 })).toBe(
        true,
      );
      expect(await buttons.patchSettings('b1', { brandId: 'acme' }, { skuId: 'tea' })).toBe(true);
      expect(await buttons.patchSettings('b1', 'any', {})).toBe(true);
      expect(await buttons.patchSettings('nope', 'any', { quantity: 1 })).toBe(false);
      expect((await buttons.getButton('b1'))?.settings).toEqual({
        ...DEFAULT_SETTINGS,
        skuId: 'tea',
        quantity: 2,
      });
    });

    it('releases a household: returns the claim hash, keeps the SKU binding', async () => {
      const { buttons } = await open();
      await buttons.createButton(button('b1'), 'hash-1');
      await buttons.assignHousehold('b1', 'hh-1');
      await buttons.patchSettings('b1', { householdId: 'hh-1' }, { quantity: 3, maxOpenOrders: 2 });
      expect(await buttons.releaseHousehold('b1', 'hh-2')).toBeUndefined();
      expect(await buttons.releaseHousehold('b1', 'hh-1')).toBe('hash-1');
      const released = await buttons.getButton('b1');
      expect(released?.householdId).toBeNull();
      expect(released?.settings).toEqual({ ...DEFAULT_SETTINGS, skuId: 'coffee' });
      expect((await buttons.listHouseholdButtons('hh-1', { limit: 10 })).items).toEqual([]);
      expect(await buttons.releaseHousehold('b1', 'hh-1')).toBeUndefined();
    });
  });

  describe('ClaimStore', () => {
    const record = {
      codeHash: 'abc',
      deviceId: 'b1',
      brandId: 'acme',
      claimedBy: null,
      claimedAt: null,
    };

    it('is taken once; the winner may retry, others see it used', async () => {
      const { claims } = await open();
      expect(await claims.createClaim(record)).toBe(true);
      expect(await claims.createClaim(record)).toBe(false);
      expect(await claims.takeClaim('abc', 'hh-1', T)).toEqual({
        outcome: 'taken',
        deviceId: 'b1',
      });
      expect(await claims.takeClaim('abc', 'hh-1', T)).toEqual({
        outcome: 'already-yours',
        deviceId: 'b1',
      });
      expect(await claims.takeClaim('abc', 'hh-2', T)).toEqual({ outcome: 'used' });
      expect(await claims.takeClaim('zzz', 'hh-2', T)).toEqual({ outcome: 'unknown' });
      await claims.deleteClaim('abc');
      expect(await claims.takeClaim('abc', 'hh-1', T)).toEqual({ outcome: 'unknown' });
    });

    it('lets exactly one of concurrent claims win', async () => {
      const { claims } = await open();
      await claims.createClaim(record);
      const results = await Promise.all(
        ['hh-1', 'hh-2', 'hh-3', 'hh-4'].map((hh) => claims.takeClaim('abc', hh, T)),
      );
      expect(results.filter((r) => r.outcome === 'taken')).toHaveLength(1);
      expect(results.filter((r) => r.outcome === 'used')).toHaveLength(3);
    });
  });

  describe('HouseholdStore', () => {
    it('puts, reads and deletes a profile', async () => {
      const { households } = await open();
      const household = {
        householdId: 'hh-1',
        name: 'N',
        email: 'e@x.org',
        address: 'A',
        createdAt: T,
      };
      await households.putHousehold(household);
      expect(await households.getHousehold('hh-1')).toEqual(household);
      await households.putHousehold({ ...household, name: 'M' });
      expect((await households.getHousehold('hh-1'))?.name).toBe('M');
      await households.deleteHousehold('hh-1');
      expect(await households.getHousehold('hh-1')).toBeNull();
    });

    it('keeps guard settings apart from the profile, and deletes both', async () => {
      const { households } = await open();
      expect(await households.getGuardSettings('hh-1')).toBeNull();
      const guard = {
        timeZone: 'America/New_York',
        quietHours: { from: '22:00', to: '07:00' },
        learnRhythm: false,
      };
      await households.putGuardSettings('hh-1', guard);
      await households.putHousehold({
        householdId: 'hh-1',
        name: 'N',
        email: 'e@x.org',
        address: 'A',
        createdAt: T,
      });
      expect(await households.getGuardSettings('hh-1')).toEqual(guard);
      expect(await households.getGuardSettings('hh-2')).toBeNull();
      await households.putGuardSettings('hh-1', { ...guard, quietHours: null });
      expect((await households.getGuardSettings('hh-1'))?.quietHours).toBeNull();
      await households.deleteHousehold('hh-1');
      expect(await households.getGuardSettings('hh-1')).toBeNull();
    });
  });

  describe('NotificationStore', () => {
    it('lists newest first, paged, and deletes one household’s only', async () => {
      const { notifications } = await open();
      const note = (householdId: string, at: number) => ({
        householdId,
        notificationId: `n${at}`,
        at,
        kind: 'OrderShipped',
        orderId: null,
        message: 'm',
      });
      for (const at of [T + 1, T + 3, T + 2])
        await notifications.addNotifications([note('hh-1', at)]);
      await notifications.addNotifications([note('hh-2', T)]);
      const first = await notifications.listNotifications('hh-1', { limit: 2 });
      const second = await notifications.listNotifications('hh-1', {
        limit: 2,
        cursor: first.cursor,
      });
      expect([...first.items, ...second.items].map((n) => n.at)).toEqual([T + 3, T + 2, T + 1]);
      expect(await notifications.deleteNotifications('hh-1')).toBe(3);
      expect((await notifications.listNotifications('hh-1', { limit: 10 })).items).toEqual([]);
      expect((await notifications.listNotifications('hh-2', { limit: 10 })).items).toHaveLength(1);
    });

    it('writes a batch of any size across households; one written again under its id stays one', async () => {
      const { notifications } = await open();
      const note = (householdId: string, at: number, message = 'm') => ({
        householdId,
        notificationId: `n${at}`,
        at,
        kind: 'OrderPlaced',
        orderId: `o${at}`,
        message,
      });
      await notifications.addNotifications([]);
      // More than one batched write takes (25 items), for three households.
      const batch = Array.from({ length: 60 }, (_, i) => note(`hh-${i % 3}`, T + i));
      await notifications.addNotifications(batch);
      // Delivered again, one of them twice in the same batch: rewritten, never added.
      const again = [
        note('hh-0', T + 3, 'again'),
        ...batch.slice(0, 30),
        note('hh-0', T + 3, 'again'),
      ];
      await notifications.addNotifications(again);
      for (const householdId of ['hh-0', 'hh-1', 'hh-2']) {
        const page = await notifications.listNotifications(householdId, { limit: 100 });
        const mine = batch.filter((n) => n.householdId === householdId).reverse();
        expect(page.items.map((n) => n.notificationId)).toEqual(mine.map((n) => n.notificationId));
        expect(page.items).toContainEqual(mine[mine.length - 1]);
      }
      const page = await notifications.listNotifications('hh-0', { limit: 100 });
      expect(page.items.find((n) => n.notificationId === `n${T + 3}`)?.message).toBe('again');
      expect(await notifications.deleteNotifications('hh-1')).toBe(20);
    });

    it('keeps a household’s subscriptions oldest first, apart from notifications and other households', async () => {
      const { notifications } = await open();
      const sub = (householdId: string, subscriptionId: string, createdAt: number) => ({
        householdId,
        subscriptionId,
        protocol: 'email' as const,
        endpoint: `${subscriptionId}@example.org`,
        createdAt,
        reference: `arn:aws:sns:eu-central-1:123456789012:topic:${subscriptionId}`,
      });
      await notifications.putSubscription(sub('hh-1', 's2', T + 2));
      await notifications.putSubscription(sub('hh-1', 's1', T + 1));
      await notifications.putSubscription(sub('hh-2', 's3', T));
      expect((await notifications.listSubscriptions('hh-1')).map((s) => s.subscriptionId)).toEqual([
        's1',
        's2',
      ]);
      expect(await notifications.listSubscriptions('hh-1')).toContainEqual(
        sub('hh-1', 's1', T + 1),
      );
      expect(await notifications.deleteNotifications('hh-1')).toBe(0);
      await notifications.deleteSubscription('hh-1', 's1');
      await notifications.deleteSubscription('hh-1', 's1');
      expect((await notifications.listSubscriptions('hh-1')).map((s) => s.subscriptionId)).toEqual([
        's2',
      ]);
      expect(await notifications.listSubscriptions('hh-2')).toHaveLength(1);
    });
  });

  describe('AuditStore', () => {
    it('appends only (never overwrites) and lists newest first', async () => {
      const { audit } = await open();
      const entry = (at: number, auditId: string) => ({
        auditId,
        at,
        actor: { kind: 'support' as const, id: 'staff-1' },
        action: 'order.cancel',
        subject: 'order:x',
        reason: 'r',
      });
      await audit.appendAudit(entry(T, 'a'));
      await audit.appendAudit(entry(T + 1, 'b'));
      await audit.appendAudit(entry(T + 2, 'c'));
      await expect(
        audit.appendAudit({ ...entry(T, 'a'), reason: 'rewritten' }),
      ).rejects.toBeInstanceOf(ConflictError);
      const first = await audit.listAudit({ limit: 2 });
      const second = await audit.listAudit({ limit: 2, cursor: first.cursor });
      expect([...first.items, ...second.items].map((e) => e.auditId)).toEqual(['c', 'b', 'a']);
      expect(second.items[0]?.reason).toBe('r');
    });
  });

  describe('IdempotencyStore', () => {
    const record = {
      tenant: 'brand:acme',
      key: 'k1',
      requestHash: 'h1',
      status: 'IN_PROGRESS' as const,
      response: null,
      leaseUntil: T + 30_000,
      expiresAt: Math.floor(T / 1000) + 3600,
    };

    it('starts once, completes, replays; abandons only unfinished records', async () => {
      const { idempotency } = await open();
      expect(await idempotency.begin(record, T)).toBeNull();
      expect(await idempotency.begin({ ...record, requestHash: 'h2' }, T + 1)).toMatchObject({
        status: 'IN_PROGRESS',
        requestHash: 'h1',
      });
      await idempotency.complete('brand:acme', 'k1', { status: 201, body: { ok: true } });
      await idempotency.abandon('brand:acme', 'k1');
      expect(await idempotency.begin(record, T + 2)).toMatchObject({
        status: 'COMPLETED',
        response: { status: 201, body: { ok: true } },
      });
      expect(await idempotency.begin({ ...record, tenant: 'brand:globex' }, T)).toBeNull();
    });

    it('lets a lapsed lease or an expired record be taken over', async () => {
      const { idempotency } = await open();
      await idempotency.begin(record, T);
      expect(await idempotency.begin({ ...record, leaseUntil: T + 90_000 }, T + 60_000)).toBeNull();
      await idempotency.complete('brand:acme', 'k1', { status: 201, body: {} });
      const later = T + 7_200_000;
      expect(
        await idempotency.begin({ ...record, expiresAt: later / 1000 + 3600 }, later),
      ).toBeNull();
      await idempotency.abandon('brand:acme', 'k1');
      expect(await idempotency.begin(record, T)).toBeNull();
    });
  });
}
