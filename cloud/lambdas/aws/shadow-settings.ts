/**
 * Desired settings in AWS: written to the thing's Device Shadow (`desired`), which the button
 * reads on `$aws/things/{thing}/shadow/get/accepted`, and to the button item under the shadow's
 * own version, which is the version the button applies and reports back in its presses. So the
 * press path's "settings wait" bit compares like with like: the shadow's version of the desired
 * state against the version the button last applied.
 */
import { type IoTDataPlaneClient, UpdateThingShadowCommand } from '@aws-sdk/client-iot-data-plane';
import { RestockError } from '../../core/errors.ts';
import type {
  DesiredSettings,
  DesiredSettingsStore,
  DeviceSettings,
  ReportedSettings,
} from '../../core/ota/ports.ts';

/** The table's side: reads, the button's reports, and a write under a given version. */
export interface SettingsTable {
  getDesired(deviceId: string): Promise<DesiredSettings | null>;
  putDesired(deviceId: string, desired: DesiredSettings): Promise<boolean>;
  recordReported(deviceId: string, reported: ReportedSettings): Promise<void>;
}

/** The shadow refused or did not answer; the table is left as it was. */
export class ShadowUpdateError extends RestockError {
  override readonly name = 'ShadowUpdateError';
  constructor(deviceId: string, cause: unknown) {
    super('SHADOW_UPDATE_FAILED', `desired settings of ${deviceId} not written`, {
      cause,
      details: { deviceId },
    });
  }
}

/**
 * Every setting, as null: a shadow update merges into `desired`, and null deletes a key, so a
 * setting left out of the new settings is removed rather than kept from the old ones.
 */
const CLEARED: Record<keyof DeviceSettings, null> = {
  led: null,
  doubleMs: null,
  longMs: null,
  double: null,
  longCancels: null,
  wifi: null,
};

export class ShadowDesiredSettings implements DesiredSettingsStore {
  constructor(
    private readonly shadows: IoTDataPlaneClient,
    private readonly table: SettingsTable,
  ) {}

  getDesired(deviceId: string): Promise<DesiredSettings | null> {
    return this.table.getDesired(deviceId);
  }

  /**
   * The shadow first, since it picks the version. A crash before the table write leaves the
   * table on the previous version: the API call fails, and its retry writes both.
   */
  async setDesired(deviceId: string, settings: DeviceSettings): Promise<number> {
    const version = await this.updateShadow(deviceId, settings);
    await this.table.putDesired(deviceId, { version, settings });
    return version;
  }

  recordReported(deviceId: string, reported: ReportedSettings): Promise<void> {
    return this.table.recordReported(deviceId, reported);
  }

  private async updateShadow(deviceId: string, settings: DeviceSettings): Promise<number> {
    try {
      const answer = await this.shadows.send(
        new UpdateThingShadowCommand({
          thingName: deviceId,
          payload: new TextEncoder().encode(
            JSON.stringify({ state: { desired: { ...CLEARED, ...settings } } }),
          ),
        }),
      );
      const version = (
        JSON.parse(new TextDecoder().decode(answer.payload)) as { version?: unknown }
      ).version;
      if (typeof version !== 'number') throw new Error('the shadow answered without a version');
      return version;
    } catch (error) {
      throw new ShadowUpdateError(deviceId, error);
    }
  }
}
