import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ackTopic, parseTopic, pressTopic } from '#shared/index';
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
