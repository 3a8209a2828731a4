/**
 * The contracts of the stores fleet health and household insight are kept in — health records,
 * button events, household activity records — on every store: versioned writes that exactly one
 * of two racing writers wins, per-brand listing (a brand never lists another's), the due-time
 * index the sweep reads, and an event outbox that writes each id once.
 */
import { expect, it } from 'vitest';
import type { ButtonEvent } from '../../cloud/core/events/button-events.ts';
import { type ButtonHealth, newHealth } from '../../cloud/core/health/button-health.ts';
import { newActivity } from '../../cloud/core/insight/household-activity.ts';
import { describeOnEveryStore } from '../helpers/stores.ts';

const health = (deviceId: string, brandId: string, checkAt: number | null): ButtonHealth => ({
  ...newHealth(deviceId, brandId),
  samples: [{ seq: 1, at: 1_000, mv: 3600 }],
  keyVersion: 1,
  checkAt,
});

const event = (eventId: string, at: number): ButtonEvent => ({
  eventId,
  type: 'ButtonClaimed',
  deviceId: 'btn-1',
  brandId: 'acme',
  householdKey: 'k1',
  at,
  data: { skuId: 'coffee', keyVersion: 1 },
});

describeOnEveryStore('HealthStore', (open) => {
  it('creates once, then writes only over the version it read', async () => {
    const { api } = await open();
    expect(await api.health.getHealth('acme', 'btn-1')).toBeNull();
    expect(await api.health.putHealth(health('btn-1', 'acme', null), 0)).toBe(true);
    expect(await api.health.putHealth(health('btn-1', 'acme', null), 0)).toBe(false);
    const stored = await api.health.getHealth('acme', 'btn-1');
    expect(stored).toEqual({ health: health('btn-1', 'acme', null), version: 1 });
    const racers = await Promise.all([
      api.health.putHealth(health('btn-1', 'acme', 5), 1),
      api.health.putHealth(health('btn-1', 'acme', 6), 1),
    ]);
    expect(racers.filter(Boolean)).toHaveLength(1);
    expect((await api.health.getHealth('acme', 'btn-1'))?.version).toBe(2);
  });

  it('reads many records at once, in the order asked, with their versions and null where there is none', async () => {
    const { api } = await open();
    expect(await api.health.getHealthMany([])).toEqual([]);
    // More buttons than one batch read takes (100 keys).
    const stored = Array.from({ length: 120 }, (_, i) => `btn-${i}`);
    await Promise.all(stored.map((id) => api.health.putHealth(health(id, 'acme', null), 0)));
    await api.health.putHealth(health('btn-7', 'acme', 5), 1);
    const asked = [
      { brandId: 'acme', deviceId: 'btn-7' },
      { brandId: 'acme', deviceId: 'btn-none' },
      { brandId: 'globex', deviceId: 'btn-3' },
      ...stored.map((deviceId) => ({ brandId: 'acme', deviceId })).reverse(),
      { brandId: 'acme', deviceId: 'btn-7' },
    ];
    const found = await api.health.getHealthMany(asked);
    expect(found.slice(0, 3)).toEqual([
      { health: health('btn-7', 'acme', 5), version: 2 },
      null,
      null,
    ]);
    expect(found.slice(3, -1).map((f) => f?.health.deviceId)).toEqual([...stored].reverse());
    expect(
      found.slice(3, -1).every((f) => f?.version === (f?.health.deviceId === 'btn-7' ? 2 : 1)),
    ).toBe(true);
    expect(found.at(-1)).toEqual(found[0]);
    // What a batch read found is what a single read finds.
    expect(found[0]).toEqual(await api.health.getHealth('acme', 'btn-7'));
  });

  it('lists a brand’s records by device, in pages, and never another brand’s', async () => {
    const { api } = await open();
    for (const id of ['btn-3', 'btn-1', 'btn-2']) {
      await api.health.putHealth(health(id, 'acme', null), 0);
    }
    await api.health.putHealth(health('btn-x', 'globex', null), 0);
    const first = await api.health.listHealth('acme', { limit: 2 });
    expect(first.items.map((h) => h.deviceId)).toEqual(['btn-1', 'btn-2']);
    const second = await api.health.listHealth('acme', { limit: 2, cursor: first.cursor });
    expect(second.items.map((h) => h.deviceId)).toEqual(['btn-3']);
    const globex = await api.health.listHealth('globex', { limit: 10 });
    expect(globex.items.map((h) => h.deviceId)).toEqual(['btn-x']);
    await expect(
      api.health.listHealth('globex', { limit: 2, cursor: first.cursor }),
    ).rejects.toMatchObject({ code: 'BAD_CURSOR' });
  });

  it('lists what is due, earliest first, and drops a record from the index once its check is cleared', async () => {
    const { api } = await open();
    await api.health.putHealth(health('btn-late', 'acme', 9_000), 0);
    await api.health.putHealth(health('btn-early', 'acme', 2_000), 0);
    await api.health.putHealth(health('btn-idle', 'globex', null), 0);
    expect((await api.health.dueHealth(1_000, 10)).map((h) => h.deviceId)).toEqual([]);
    expect((await api.health.dueHealth(9_000, 10)).map((h) => h.deviceId)).toEqual([
      'btn-early',
      'btn-late',
    ]);
    await api.health.putHealth(health('btn-early', 'acme', null), 1);
    expect((await api.health.dueHealth(9_000, 10)).map((h) => h.deviceId)).toEqual(['btn-late']);
  });
});

describeOnEveryStore('ButtonEventStore', (open) => {
  it('writes each event id once and lists it until it is marked published', async () => {
    const store = await open();
    const { api } = store;
    expect(await api.buttonEvents.addEvent(event('btn-1/claimed/a', 2_000))).toBe(true);
    expect(await api.buttonEvents.addEvent(event('btn-1/claimed/a', 3_000))).toBe(false);
    expect(await api.buttonEvents.addEvent(event('btn-1/released/a', 1_000))).toBe(true);
    const pending = await api.buttonEvents.pendingEvents(10);
    expect(pending.map((e) => [e.eventId, e.at])).toEqual([
      ['btn-1/released/a', 1_000],
      ['btn-1/claimed/a', 2_000],
    ]);
    await api.buttonEvents.markEventPublished('btn-1/released/a');
    expect((await api.buttonEvents.pendingEvents(10)).map((e) => e.eventId)).toEqual([
      'btn-1/claimed/a',
    ]);
    // The order outbox is not disturbed by button events.
    expect(await store.outbox.pendingChanges(10)).toEqual([]);
  });
});

describeOnEveryStore('ActivityStore', (open) => {
  it('creates once, writes over the version read, and lists one brand’s records only', async () => {
    const { api } = await open();
    const record = { ...newActivity('acme', 'k1'), claimMonth: '2026-11' };
    expect(await api.activity.putActivity(record, 0)).toBe(true);
    expect(await api.activity.putActivity(record, 0)).toBe(false);
    expect(await api.activity.putActivity({ ...record, claimMonth: '2026-10' }, 1)).toBe(true);
    expect(await api.activity.putActivity({ ...record, claimMonth: '2026-09' }, 1)).toBe(false);
    expect(await api.activity.getActivity('acme', 'k1')).toEqual({
      activity: { ...record, claimMonth: '2026-10' },
      version: 2,
    });
    await api.activity.putActivity(newActivity('acme', 'k0'), 0);
    await api.activity.putActivity(newActivity('globex', 'k9'), 0);
    expect((await api.activity.listActivity('acme')).map((a) => a.key)).toEqual(['k0', 'k1']);
    expect((await api.activity.listActivity('globex')).map((a) => a.key)).toEqual(['k9']);
  });
});
