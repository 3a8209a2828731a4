/**
 * The update and settings delivery service on the memory stores: what a button gets for each
 * request, and that it only ever gets its own.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import {
  decodeManifest,
  deriveDeviceKey,
  jobUpdateTopic,
  manifestGetTopic,
  shadowGetTopic,
  shadowUpdateTopic,
  streamGetTopic,
  verifyManifest,
} from '#shared/index';
import { DerivedKeySource } from '../../../cloud/core/keys.ts';
import { UpdateDelivery } from '../../../cloud/core/ota/delivery.ts';
import type { UpdateReported } from '../../../cloud/core/ota/ports.ts';
import { silentLog } from '../../../cloud/core/ports.ts';
import { nodeSha256 } from '../../../cloud/core/sha256.ts';
import { memoryUnderTest, type StoreUnderTest } from '../../helpers/stores.ts';
import { button, MASTER_KEY } from '../../helpers/world.ts';

let store: StoreUnderTest;
let sent: { topic: string; payload: string }[];
let reported: UpdateReported[];
let delivery: UpdateDelivery;

beforeEach(async () => {
  store = memoryUnderTest();
  sent = [];
  reported = [];
  await store.putButton(button('btn-1'));
  delivery = new UpdateDelivery({
    buttons: store.api.buttons,
    images: store.ota.images,
    assignments: store.ota.assignments,
    settings: store.ota.settings,
    keys: new DerivedKeySource(new Map([[1, MASTER_KEY]]), nodeSha256),
    sha256: nodeSha256,
    publisher: { publish: async (topic, payload) => void sent.push({ topic, payload }) },
    reported: async (event) => void reported.push(event),
    clock: { now: () => 0 },
    log: silentLog,
  });
});

describe('update delivery', () => {
  it('answers a manifest request with a manifest signed with the button key', async () => {
    const image = await store.ota.images.put('acme', 2, new Uint8Array(1500).fill(65));
    await store.ota.assignments.assign('btn-1', 'job-1', 2);
    await delivery.handle(manifestGetTopic('btn-1'), '{}');
    expect(sent[0]?.topic).toBe('restock/v1/btn-1/manifest');
    const decoded = decodeManifest(sent[0]?.payload);
    if (!decoded.ok) throw new Error(decoded.reason);
    expect(decoded.message).toMatchObject({
      job: 'job-1',
      fw: 2,
      size: 1500,
      sha256: image.sha256,
    });
    const key = deriveDeviceKey(nodeSha256, MASTER_KEY, 'btn-1', 1);
    expect(verifyManifest(nodeSha256, key, decoded.message)).toBe(true);
  });

  it('serves blocks of its own image only; another stream is rejected', async () => {
    const image = await store.ota.images.put('acme', 2, new Uint8Array(1500).fill(65));
    await store.ota.images.put('other', 9, new Uint8Array(10).fill(66));
    await store.ota.assignments.assign('btn-1', 'job-1', 2);
    await delivery.handle(
      streamGetTopic('btn-1', image.stream),
      '{"c":"t","f":0,"l":1024,"o":1,"n":1}',
    );
    expect(JSON.parse(sent[0]?.payload ?? '')).toMatchObject({ c: 't', i: 1, l: 476 });
    await delivery.handle(
      streamGetTopic('btn-1', 'fw-other-9'),
      '{"c":"t","f":0,"l":1024,"o":0,"n":1}',
    );
    expect(sent[1]?.topic).toBe('$aws/things/btn-1/streams/fw-other-9/rejected/json');
  });

  it('records progress forward only, emits update.reported, answers accepted or rejected', async () => {
    await store.ota.assignments.assign('btn-1', 'job-1', 2);
    const report = (state: string) =>
      delivery.handle(
        jobUpdateTopic('btn-1', 'job-1'),
        JSON.stringify({ status: 'IN_PROGRESS', statusDetails: { state, fw: '2', block: '8' } }),
      );
    await report('downloading');
    await report('pending');
    await report('rolled_back');
    await report('switched');
    expect(sent.map((m) => m.topic.split('/').pop())).toEqual([
      'accepted',
      'rejected',
      'accepted',
      'rejected',
    ]);
    expect(reported.map((r) => r.state)).toEqual(['downloading', 'rolled_back']);
    expect(await store.ota.assignments.get('btn-1')).toMatchObject({ state: 'rolled_back' });
  });

  it('serves desired settings as a shadow document and records what the button reports', async () => {
    await delivery.handle(shadowGetTopic('btn-1'), '{}');
    expect(sent[0]?.topic).toBe('$aws/things/btn-1/shadow/get/rejected');
    await store.ota.settings.setDesired('btn-1', { led: 30, double: 'cancel' });
    await delivery.handle(shadowGetTopic('btn-1'), '{}');
    expect(sent[1]).toEqual({
      topic: '$aws/things/btn-1/shadow/get/accepted',
      payload: JSON.stringify({ state: { desired: { led: 30, double: 'cancel' } }, version: 1 }),
    });
    await delivery.handle(
      shadowUpdateTopic('btn-1'),
      JSON.stringify({ state: { reported: { led: 30, double: 'cancel', cfg: 1 } } }),
    );
    expect((await store.api.buttons.getButton('btn-1'))?.reported).toEqual({
      led: 30,
      double: 'cancel',
      cfg: 1,
    });
  });
});
