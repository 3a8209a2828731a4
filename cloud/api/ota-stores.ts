/**
 * The over-the-air stores on one table. Built once per entry point and shared: the API's
 * firmware, rollout and settings routes and the update topics' delivery read and write the same
 * assignments.
 */
import type { Clock } from '../core/ports.ts';
import {
  DynamoDesiredSettingsStore,
  DynamoFirmwareImageStore,
  DynamoUpdateAssignmentStore,
} from '../store/dynamo/dynamo-ota-stores.ts';
import type { Table } from '../store/dynamo/table.ts';
import type { OtaStores } from './deps.ts';

export function dynamoOtaStores(table: Table, clock: Clock) {
  return {
    firmware: new DynamoFirmwareImageStore(table, clock),
    updates: new DynamoUpdateAssignmentStore(table, clock),
    deviceSettings: new DynamoDesiredSettingsStore(table),
  } satisfies OtaStores;
}

export type DynamoOtaStores = ReturnType<typeof dynamoOtaStores>;
