import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  ackTopic,
  JOB_ID_MAX_LENGTH,
  jobUpdateTopic,
  manifestGetTopic,
  PRESS_RULE_NAME,
  parseDeliveryTopic,
  parseTopic,
  pressIngestTopic,
  pressTopic,
  shadowGetTopic,
  shadowUpdateTopic,
  streamGetTopic,
  withoutIngestPrefix,
} from '#shared/index';
import { deviceId, identifier } from '../helpers/arbitraries.ts';

describe('topics', () => {
  it('parses what it builds, for every valid thing name', () => {
    fc.assert(
      fc.property(deviceId, (id) => {
        expect(parseTopic(pressTopic(id))).toEqual({ deviceId: id, kind: 'press' });
        expect(parseTopic(ackTopic(id))).toEqual({ deviceId: id, kind: 'ack' });
      }),
    );
  });

  it('a Basic Ingest press names the press rule and, without the prefix, is the press topic', () => {
    expect(PRESS_RULE_NAME).toMatch(/^[A-Za-z0-9_]+$/);
    fc.assert(
      fc.property(deviceId, (id) => {
        expect(pressIngestTopic(id)).toBe(`$aws/rules/${PRESS_RULE_NAME}/${pressTopic(id)}`);
        expect(parseTopic(withoutIngestPrefix(pressIngestTopic(id)))).toEqual({
          deviceId: id,
          kind: 'press',
        });
        expect(withoutIngestPrefix(pressTopic(id))).toBe(pressTopic(id));
      }),
    );
    // Another rule's Basic Ingest topic stays what it is, and is no press.
    expect(parseTopic(withoutIngestPrefix('$aws/rules/other/restock/v1/b/press'))).toBeNull();
  });

  it.each([
    'restock/v1/btn-1/press/extra',
    'restock/v1/+/press',
    'restock/v1/#',
    'restock/v2/btn-1/press',
    'restock/v1//press',
    'restock/v1/btn-1/order',
    'xrestock/v1/btn-1/press',
  ])('refuses %s', (topic) => {
    expect(parseTopic(topic)).toBeNull();
  });
});

describe('update and settings delivery topics', () => {
  const name = identifier(JOB_ID_MAX_LENGTH);

  it('parses every topic a button publishes for updates and settings, for every thing name', () => {
    fc.assert(
      fc.property(deviceId, name, (id, n) => {
        expect(parseDeliveryTopic(manifestGetTopic(id))).toEqual({
          kind: 'manifest/get',
          deviceId: id,
        });
        expect(parseDeliveryTopic(streamGetTopic(id, n))).toEqual({
          kind: 'stream/get',
          deviceId: id,
          stream: n,
        });
        expect(parseDeliveryTopic(jobUpdateTopic(id, n))).toEqual({
          kind: 'job/update',
          deviceId: id,
          job: n,
        });
        expect(parseDeliveryTopic(shadowGetTopic(id))).toEqual({
          kind: 'shadow/get',
          deviceId: id,
        });
        expect(parseDeliveryTopic(shadowUpdateTopic(id))).toEqual({
          kind: 'shadow/update',
          deviceId: id,
        });
      }),
    );
  });

  it.each([
    '$aws/things/btn-1/streams/s/data/json',
    '$aws/things/btn-1/streams/s/get/json/x',
    '$aws/things/+/shadow/get',
    '$aws/things/btn-1/jobs/j/update/accepted',
    '$aws/things/btn-1/shadow/get/accepted',
    '$aws/other/btn-1/shadow/get',
    'restock/v1/btn-1/manifest',
    'restock/v1/btn-1/press',
  ])('refuses %s (not something a button asks for)', (topic) => {
    expect(parseDeliveryTopic(topic)).toBeNull();
  });
});
