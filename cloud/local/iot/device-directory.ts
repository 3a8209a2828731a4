/**
 * Which things the broker knows: the local stand-in for the AWS IoT thing registry. A device is
 * known when its button exists in the store (registered by a brand); its key version says which
 * master key its MQTT password and signatures derive from.
 */
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import type { Table } from '../../store/dynamo/table.ts';
import { keys } from '../../store/dynamo/table-keys.ts';

export interface KnownDevice {
  deviceId: string;
  keyVersion: number;
}

export interface DeviceDirectory {
  lookup(deviceId: string): Promise<KnownDevice | null>;
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
