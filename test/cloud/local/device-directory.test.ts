/**
 * The broker's cached device directory: a sleepy button's CONNECT is no store read, yet a button
 * registered a moment ago connects, a rotated key is seen at once and a revoked one on `forget`.
 */
import { describe, expect, it } from 'vitest';
import {
  CachedDeviceDirectory,
  type DeviceDirectory,
  type KnownDevice,
} from '../../../cloud/local/iot/device-directory.ts';

function countingDirectory(devices: Map<string, KnownDevice>) {
  const counter = { lookups: 0 };
  const directory: DeviceDirectory = {
    lookup: async (deviceId) => {
      counter.lookups++;
      return devices.get(deviceId) ?? null;
    },
  };
  return { directory, counter };
}

describe('CachedDeviceDirectory', () => {
  it('looks a known device up once, and an unknown one every time until it is registered', async () => {
    const devices = new Map([['btn-1', { deviceId: 'btn-1', keyVersion: 1 }]]);
    const { directory, counter } = countingDirectory(devices);
    const cached = new CachedDeviceDirectory(directory, 60_000, () => 0);
    for (let i = 0; i < 5; i++)
      expect(await cached.lookup('btn-1')).toMatchObject({ keyVersion: 1 });
    expect(counter.lookups).toBe(1);
    expect(await cached.lookup('btn-2')).toBeNull();
    devices.set('btn-2', { deviceId: 'btn-2', keyVersion: 1 });
    expect(await cached.lookup('btn-2')).toMatchObject({ deviceId: 'btn-2' });
  });

  it('sees a rotated key version on a fresh lookup, a revoked device on forget, and any change after its time', async () => {
    const devices = new Map([['btn-1', { deviceId: 'btn-1', keyVersion: 1 }]]);
    const { directory } = countingDirectory(devices);
    let now = 0;
    const cached = new CachedDeviceDirectory(directory, 60_000, () => now);
    await cached.lookup('btn-1');
    devices.set('btn-1', { deviceId: 'btn-1', keyVersion: 2 });
    expect(await cached.lookup('btn-1')).toMatchObject({ keyVersion: 1 });
    expect(await cached.lookup('btn-1', { fresh: true })).toMatchObject({ keyVersion: 2 });
    expect(await cached.lookup('btn-1')).toMatchObject({ keyVersion: 2 });

    devices.delete('btn-1');
    cached.forget('btn-1');
    expect(await cached.lookup('btn-1')).toBeNull();

    devices.set('btn-1', { deviceId: 'btn-1', keyVersion: 3 });
    await cached.lookup('btn-1');
    devices.delete('btn-1');
    now = 60_001;
    expect(await cached.lookup('btn-1')).toBeNull();
  });
});
