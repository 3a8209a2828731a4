/**
 * Registers provisioned buttons in the table: one button item per device, unclaimed and
 * unbound, listed under its brand (gsi2). The write is conditional, so re-running a batch
 * never resets a button that is already in use.
 */
import { type DynamoDBDocumentClient, PutCommand } from '@aws-sdk/lib-dynamodb';
import { type Button, DEFAULT_SETTINGS } from '../../core/model.ts';
import { keys } from '../../store/keys.ts';
import { ProvisioningError } from './errors.ts';
import type { ButtonRegistration, ButtonRegistry } from './ports.ts';

export function newButton(registration: ButtonRegistration): Button {
  return {
    deviceId: registration.deviceId,
    brandId: registration.brandId,
    serial: registration.serial,
    keyVersion: registration.keyVersion,
    householdId: null,
    settings: { ...DEFAULT_SETTINGS },
    highWaterMark: 0,
    open: [],
    lastPressAt: null,
    batteryMv: null,
    createdAt: registration.createdAt,
  };
}

/**
 * The button item as the store maps it (attribute names follow cloud/store's button mapping;
 * the store's own `toButtonItem` can be passed instead).
 */
export function buttonItem(button: Button): Record<string, unknown> {
  return {
    ...keys.button(button.deviceId),
    type: 'button',
    deviceId: button.deviceId,
    brandId: button.brandId,
    serial: button.serial,
    keyVersion: button.keyVersion,
    householdId: null,
    settings: button.settings,
    hwm: button.highWaterMark,
    open: button.open,
    recent: [],
    lastPressAt: null,
    batteryMv: null,
    createdAt: button.createdAt,
    gsi2pk: `BRAND#${button.brandId}`,
    gsi2sk: `BTN#${button.deviceId}`,
  };
}

export interface DynamoButtonRegistryOptions {
  client: Pick<DynamoDBDocumentClient, 'send'>;
  tableName: string;
  toItem?: (button: Button) => Record<string, unknown>;
}

export class DynamoButtonRegistry implements ButtonRegistry {
  private readonly options: DynamoButtonRegistryOptions;

  constructor(options: DynamoButtonRegistryOptions) {
    this.options = options;
  }

  async register(registration: ButtonRegistration): Promise<void> {
    const toItem = this.options.toItem ?? buttonItem;
    try {
      await this.options.client.send(
        new PutCommand({
          TableName: this.options.tableName,
          Item: toItem(newButton(registration)),
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      );
    } catch (cause) {
      throw new ProvisioningError(
        `registering ${registration.deviceId} failed`,
        { step: 'register', deviceId: registration.deviceId },
        cause,
      );
    }
  }
}
