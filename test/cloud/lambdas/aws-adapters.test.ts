import type { IoTDataPlaneClient } from '@aws-sdk/client-iot-data-plane';
import { describe, expect, it } from 'vitest';
import { decodeAck, signAck, verifyAck } from '#shared/index';
import { LazyKeySource } from '../../../cloud/core/keys.ts';
import { parseMasterKeys } from '../../../cloud/core/master-keys.ts';
import { IotAckPublisher } from '../../../cloud/lambdas/aws/iot-ack-publisher.ts';
import { nodeSha256 } from '../../helpers/sha256.ts';

describe('master key secret', () => {
  it('reads key versions from the secret JSON', () => {
    const { keys, current } = parseMasterKeys(
      JSON.stringify({ 1: 'ab'.repeat(32), 2: 'cd'.repeat(32) }),
    );
    expect([...keys.keys()]).toEqual([1, 2]);
    expect(keys.get(2)?.[0]).toBe(0xcd);
    expect(current).toBe(2);
  });

  it.each([
    ['not JSON', 'nope'],
    ['a short key', JSON.stringify({ 1: 'ab' })],
    ['a bad version', JSON.stringify({ x: 'ab'.repeat(32) })],
    ['no versions', '{}'],
  ])('refuses %s with a message that names the expected form', (_name, secret) => {
    expect(() => parseMasterKeys(secret)).toThrow(/master key/);
  });
});

describe('lazy key source', () => {
  it('loads the keys once, and tries again after a failed load', async () => {
    const key = new Uint8Array(32).fill(7);
    let loads = 0;
    const source = new LazyKeySource(async () => {
      loads++;
      if (loads === 1) throw new Error('Secrets Manager unreachable');
      return { deviceKey: async () => key };
    });
    await expect(source.deviceKey('btn-1', 1)).rejects.toThrow('unreachable');
    expect(await source.deviceKey('btn-1', 1)).toBe(key);
    expect(await source.deviceKey('btn-2', 1)).toBe(key);
    expect(loads).toBe(2);
  });
});

describe('IoT ack publisher', () => {
  it('publishes the encoded ack at QoS 1 on the device’s own ack topic', async () => {
    const sent: { input: { topic: string; qos: number; payload: Uint8Array } }[] = [];
    // Stands in for AWS IoT's data plane, which cannot be reached from here.
    const client = { send: async (command: never) => void sent.push(command) };
    const key = new Uint8Array(32).fill(3);
    const ack = signAck(nodeSha256, key, {
      device: 'btn-1',
      seq: 4,
      outcome: 'ORDERED',
      order: 'btn-1-4',
      kv: 1,
    });
    await new IotAckPublisher(client as unknown as IoTDataPlaneClient).publishAck('btn-1', ack);
    expect(sent[0]?.input.topic).toBe('restock/v1/btn-1/ack');
    expect(sent[0]?.input.qos).toBe(1);
    const decoded = decodeAck(new TextDecoder().decode(sent[0]?.input.payload));
    expect(decoded.ok && verifyAck(nodeSha256, key, decoded.message)).toBe(true);
  });
});
