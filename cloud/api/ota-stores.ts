/**
 * The over-the-air DynamoDB adapters on one table, for every entry point that serves updates or
 * settings (the API and updates Lambdas, the local stack).
 */
import type { Clock } from '../core/ports.ts';
import {
  DynamoDesiredSettingsStore,
  DynamoFirmwareImageStore,
  DynamoUpdateAssignmentStore,
} from '../store/dynamo/dynamo-ota-stores.ts';
import type { Table } from '../store/dynamo/table.ts';
import type { OtaStores } from './deps.ts';

export function dynamoOtaStores(table: Table, clock: Clock): OtaStores {
  return {
    firmware: new DynamoFirmwareImageStore(table, clock),
    updates: new DynamoUpdateAssignmentStore(table, clock),
    deviceSettings: new DynamoDesiredSettingsStore(table),
  };
}
