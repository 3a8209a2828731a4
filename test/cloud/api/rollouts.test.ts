/**
 * Firmware, rollouts and device settings through the API, for a brand on its own fleet and an
 * operator (support) on any brand's: upload, start, widen, pause, resume, abort, the buttons'
 * states paged, settings with their bounds; another brand sees none of it.
 */
import { createHash } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { button } from '../../helpers/world.ts';
import { ApiHarness } from './helpers/harness.ts';

const FLEET = 20;
const IMAGE = new Uint8Array(1500).map((_, i) => (i * 7) % 251);

let h: ApiHarness;
let acme: string;
let globex: string;
let support: string;

beforeEach(async () => {
  h = await ApiHarness.open();
  for (let i = 0; i < FLEET; i++)
    await h.world.store.putButton(button(`acme-${String(i).padStart(2, '0')}`));
  await h.world.store.putButton({ ...button('globex-1'), brandId: 'globex' });
  acme = await h.token('brand', 'acme');
  globex = await h.token('brand', 'globex');
  support = await h.token('support');
});
afterEach(async () => h.close());

async function upload(token: string, path: string, bytes: Uint8Array) {
  const response = await h.app.request(path, {
    method: 'PUT',
    headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/octet-stream' },
    body: bytes,
  });
  // biome-ignore lint/suspicious/noExplicitAny: parsed JSON; the assertions check its shape
  return { status: response.status, body: (await response.json()) as any };
}

const plan = { fw: 42, stages: [10, 50, 100], failurePct: 20, minFinished: 5 };

describe('firmware images', () => {
  it('stores the uploaded bytes under their version and answers with their SHA-256', async () => {
    const stored = await upload(acme, '/v1/brand/firmware/42', IMAGE);
    expect(stored.status).toBe(201);
    expect(stored.body).toMatchObject({
      fw: 42,
      size: IMAGE.length,
      sha256: createHash('sha256').update(IMAGE).digest('hex'),
    });
    expect((await h.call('GET', '/v1/brand/firmware/42', { token: acme })).body).toEqual(
      stored.body,
    );
    expect((await h.call('GET', '/v1/brand/firmware/42', { token: globex })).status).toBe(404);
    expect((await upload(acme, '/v1/brand/firmware/43', new Uint8Array())).body.error.code).toBe(
      'VALIDATION_FAILED',
    );
    expect((await upload(acme, '/v1/brand/firmware/0', IMAGE)).status).toBe(400);
  });
});

describe('rollouts', () => {
  it('starts with the first stage’s share, widens, pauses, resumes and aborts', async () => {
    await upload(acme, '/v1/brand/firmware/42', IMAGE);
    const created = await h.call('POST', '/v1/brand/rollouts', { token: acme, body: plan });
    expect(created.status).toBe(201);
    const id = created.body.rolloutId as string;
    expect(created.body).toMatchObject({
      status: 'active',
      stage: 0,
      fleetSize: FLEET,
      assigned: 2,
      tally: { pending: 2, switched: 0 },
    });
    const widened = await h.call('POST', `/v1/brand/rollouts/${id}/widen`, { token: acme });
    expect(widened.body).toMatchObject({ stage: 1, assigned: 10, tally: { pending: 10 } });
    expect(
      (await h.call('POST', `/v1/brand/rollouts/${id}/pause`, { token: acme })).body.status,
    ).toBe('paused');
    expect(
      (await h.call('POST', `/v1/brand/rollouts/${id}/widen`, { token: acme })).body,
    ).toMatchObject({
      status: 'active',
      stage: 2,
      assigned: FLEET,
    });
    const first = await h.call('GET', `/v1/brand/rollouts/${id}/buttons?limit=15`, { token: acme });
    const second = await h.call(
      'GET',
      `/v1/brand/rollouts/${id}/buttons?limit=15&cursor=${first.body.cursor}`,
      { token: acme },
    );
    const members = [...first.body.items, ...second.body.items];
    expect(members).toHaveLength(FLEET);
    expect(new Set(members.map((m: { deviceId: string }) => m.deviceId)).size).toBe(FLEET);
    expect(members.every((m: { state: string }) => m.state === 'pending')).toBe(true);
    const aborted = await h.call('POST', `/v1/brand/rollouts/${id}/abort`, { token: acme });
    expect(aborted.body).toMatchObject({
      status: 'aborted',
      abortReason: {
        code: 'ABORTED_BY_USER',
        failures: 0,
        finished: 0,
        by: { kind: 'brand', id: 'acme' },
      },
      tally: { pending: 0, cancelled: FLEET },
    });
    const again = await h.call('POST', `/v1/brand/rollouts/${id}/widen`, { token: acme });
    expect([again.status, again.body.error.code]).toEqual([409, 'ROLLOUT_FINISHED']);
    const listed = await h.call('GET', '/v1/brand/rollouts', { token: acme });
    expect(listed.body.items.map((r: { rolloutId: string }) => r.rolloutId)).toEqual([id]);
  });

  it('refuses a plan the engine cannot follow, an image never uploaded, and a fleet without buttons', async () => {
    await upload(acme, '/v1/brand/firmware/42', IMAGE);
    const shrinking = await h.call('POST', '/v1/brand/rollouts', {
      token: acme,
      body: { ...plan, stages: [50, 10] },
    });
    expect([shrinking.status, shrinking.body.error.code]).toEqual([422, 'ROLLOUT_PLAN_INVALID']);
    const missing = await h.call('POST', '/v1/brand/rollouts', {
      token: acme,
      body: { ...plan, fw: 7 },
    });
    expect(missing.status).toBe(404);
    const over = await h.call('POST', '/v1/brand/rollouts', {
      token: acme,
      body: { ...plan, failurePct: 0 },
    });
    expect(over.status).toBe(400);
    await upload(support, '/v1/support/brands/initech/firmware/42', IMAGE);
    const empty = await h.call('POST', '/v1/support/brands/initech/rollouts', {
      token: support,
      body: plan,
    });
    expect([empty.status, empty.body.error.code]).toEqual([422, 'FLEET_EMPTY']);
  });

  it('lets an operator run any brand’s rollout, audited, while other brands see nothing', async () => {
    await upload(support, '/v1/support/brands/acme/firmware/42', IMAGE);
    const created = await h.call('POST', '/v1/support/brands/acme/rollouts', {
      token: support,
      body: plan,
    });
    expect(created.status).toBe(201);
    const id = created.body.rolloutId as string;
    expect(created.body.brandId).toBe('acme');
    expect((await h.call('GET', `/v1/brand/rollouts/${id}`, { token: acme })).status).toBe(200);
    for (const path of [`/v1/brand/rollouts/${id}`, `/v1/brand/rollouts/${id}/buttons`]) {
      expect((await h.call('GET', path, { token: globex })).status).toBe(404);
    }
    expect((await h.call('POST', `/v1/brand/rollouts/${id}/abort`, { token: globex })).status).toBe(
      404,
    );
    expect((await h.call('GET', '/v1/brand/rollouts', { token: globex })).body.items).toEqual([]);
    expect(
      (await h.call('GET', `/v1/support/brands/globex/rollouts/${id}`, { token: support })).status,
    ).toBe(404);
    const aborted = await h.call('POST', `/v1/support/brands/acme/rollouts/${id}/abort`, {
      token: support,
    });
    expect(aborted.body.abortReason.by.kind).toBe('support');
    const audit = await h.call('GET', '/v1/support/audit', { token: support });
    const actions = audit.body.items.map((e: { action: string }) => e.action);
    expect(actions).toEqual(
      expect.arrayContaining(['firmware.upload', 'rollout.create', 'rollout.abort']),
    );
  });
});

describe('device settings', () => {
  const path = '/v1/brand/buttons/acme-01/device-settings';

  it('keeps settings within their bounds, never shows a Wi-Fi password, and keeps one left out', async () => {
    const tooBright = await h.call('PUT', path, { token: acme, body: { led: 101 } });
    expect(tooBright.status).toBe(400);
    const tooLong = await h.call('PUT', path, { token: acme, body: { longMs: 5000 } });
    expect(tooLong.status).toBe(400);
    const four = Array.from({ length: 4 }, (_, i) => ({ ssid: `net${i}`, pass: 'password1' }));
    expect((await h.call('PUT', path, { token: acme, body: { wifi: four } })).status).toBe(400);

    const set = await h.call('PUT', path, {
      token: acme,
      body: { led: 40, double: 'cancel', wifi: [{ ssid: 'home', pass: 'correct horse' }] },
    });
    expect(set.status).toBe(200);
    expect(set.body).toEqual({
      deviceId: 'acme-01',
      desired: { version: 1, settings: { led: 40, double: 'cancel', wifi: [{ ssid: 'home' }] } },
      reported: { cfg: null, fw: null },
    });
    expect(JSON.stringify(set.body)).not.toContain('correct horse');
    const kept = await h.call('PUT', path, {
      token: acme,
      body: { led: 60, wifi: [{ ssid: 'home' }] },
    });
    expect(kept.body.desired.version).toBe(2);
    const stored = await h.ota.deviceSettings.getDesired('acme-01');
    expect(stored?.settings.wifi).toEqual([{ ssid: 'home', pass: 'correct horse' }]);
    const unknown = await h.call('PUT', path, { token: acme, body: { wifi: [{ ssid: 'cafe' }] } });
    expect(unknown.status).toBe(400);
    expect((await h.call('GET', path, { token: acme })).body.desired.settings).toEqual({
      led: 60,
      wifi: [{ ssid: 'home' }],
    });
  });

  it('sets the whole fleet at once, and no other brand’s buttons', async () => {
    const fleet = await h.call('PUT', '/v1/brand/device-settings', {
      token: acme,
      body: { led: 10 },
    });
    expect(fleet.body).toEqual({ updated: FLEET });
    expect(await h.ota.deviceSettings.getDesired('globex-1')).toBeNull();
    expect((await h.call('GET', path, { token: globex })).status).toBe(404);
    expect((await h.call('PUT', path, { token: globex, body: { led: 1 } })).status).toBe(404);
    expect(
      (
        await h.call('GET', `/v1/support/brands/acme/buttons/acme-01/device-settings`, {
          token: support,
        })
      ).body.desired.version,
    ).toBe(1);
    expect(
      (
        await h.call('GET', `/v1/support/brands/globex/buttons/acme-01/device-settings`, {
          token: support,
        })
      ).status,
    ).toBe(404);
  });
});
