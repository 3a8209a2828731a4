/**
 * Which things the broker knows: the local stand-in for the AWS IoT thing registry. A device is
 * known when its button exists in the store (registered by a brand); its key version says which
 * master key its MQTT password and signatures derive from.
 */
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { BoundedMap } from '../../core/bounded-map.ts';
import type { Table } from '../../store/dynamo/table.ts';
import { keys } from '../../store/dynamo/table-keys.ts';

export interface KnownDevice {
  deviceId: string;
  keyVersion: number;
}

export interface DeviceDirectory {
  /** `fresh`: read past any cache (a password that did not match may mean a rotated key). */
  lookup(deviceId: string, options?: { fresh?: boolean }): Promise<KnownDevice | null>;
}

/** Reads the button item (strongly consistent, so a freshly registered button can connect). */
export class TableDeviceDirectory implements DeviceDirectory {
  constructor(private readonly table: Table) {}

  async lookup(deviceId: string): Promise<KnownDevice | null> {
    const result = await this.table.doc.send(
      new GetCommand({
        TableName: this.table.name,
        Key: keys.button(deviceId),
        ConsistentRead: true,
        ProjectionExpression: 'deviceId, keyVersion',
      }),
    );
    const item = result.Item;
    if (!item || typeof item.keyVersion !== 'number') return null;
    return { deviceId, keyVersion: item.keyVersion };
  }
}

/** Remembered lookups per device; a CONNECT of a sleepy button is then no store call. */
const CACHE_SIZE = 100_000;

/**
 * Known devices remembered for `ttlMs` (unknown ones are always looked up again, so a button
 * registered a moment ago connects at once). A rotated key version is seen at once (the broker
 * looks again, fresh, when a password does not match); `forget` drops a device at once when it
 * is revoked or rotated in this process; a change made elsewhere reaches CONNECT within `ttlMs`.
 */
export class CachedDeviceDirectory implements DeviceDirectory {
  private readonly known = new BoundedMap<string, { device: KnownDevice; until: number }>(
    CACHE_SIZE,
  );

  constructor(
    private readonly directory: DeviceDirectory,
    private readonly ttlMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  async lookup(deviceId: string, options: { fresh?: boolean } = {}): Promise<KnownDevice | null> {
    const cached = this.known.get(deviceId);
    if (cached && !options.fresh && cached.until > this.now()) return cached.device;
    const device = await this.directory.lookup(deviceId, options);
    if (!device) {
      this.known.delete(deviceId);
      return null;
    }
    this.known.set(deviceId, { device, until: this.now() + this.ttlMs });
    return device;
  }

  forget(deviceId: string): void {
    this.known.delete(deviceId);
  }
}

/** A fixed set of devices, for tests and for a broker started without a store. */
export class StaticDeviceDirectory implements DeviceDirectory {
  private readonly devices: Map<string, KnownDevice>;
  constructor(devices: Iterable<KnownDevice>) {
    this.devices = new Map([...devices].map((d) => [d.deviceId, d]));
  }
  add(device: KnownDevice): void {
    this.devices.set(device.deviceId, device);
  }
  async lookup(deviceId: string): Promise<KnownDevice | null> {
    return this.devices.get(deviceId) ?? null;
  }
}
