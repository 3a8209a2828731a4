import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  ackTopic,
  PRESS_RULE_NAME,
  parseTopic,
  pressIngestTopic,
  pressTopic,
  withoutIngestPrefix,
} from '#shared/index';
import { deviceId } from '../helpers/arbitraries.ts';

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
