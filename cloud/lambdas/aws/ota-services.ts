/**
 * Firmware updates and settings in AWS, built once per Lambda instance: the table's OTA stores,
 * AWS IoT Jobs behind the rollout engine's assigner (image copied to S3, a file-delivery stream,
 * one continuous job per rollout), and desired settings through the Device Shadow.
 */
import { IoTClient } from '@aws-sdk/client-iot';
import { IoTDataPlaneClient } from '@aws-sdk/client-iot-data-plane';
import { S3Client } from '@aws-sdk/client-s3';
import { dynamoOtaStores } from '../../api/ota-stores.ts';
import { systemClock } from '../../core/ports.ts';
import { DynamoDesiredSettingsStore } from '../../store/dynamo/dynamo-ota-stores.ts';
import { DynamoRolloutStore } from '../../store/dynamo/dynamo-rollout-store.ts';
import type { Table } from '../../store/dynamo/table.ts';
import { requireEnv } from './environment.ts';
import { IotUpdateJobs } from './iot-update-jobs.ts';
import { ShadowDesiredSettings } from './shadow-settings.ts';

export function awsOtaServices(table: Table) {
  // The account's own data endpoint (looked up at deploy time), as for the press acks.
  const dataPlane = new IoTDataPlaneClient({ endpoint: requireEnv('IOT_DATA_ENDPOINT') });
  const stores = dynamoOtaStores(table, systemClock);
  const rollouts = new DynamoRolloutStore(table);
  const jobs = new IotUpdateJobs({
    iot: new IoTClient({}),
    s3: new S3Client({}),
    assignments: stores.updates,
    rollouts,
    images: stores.firmware,
    config: {
      bucket: requireEnv('FIRMWARE_BUCKET'),
      streamRoleArn: requireEnv('FIRMWARE_STREAM_ROLE_ARN'),
    },
  });
  return {
    ota: {
      ...stores,
      deviceSettings: new ShadowDesiredSettings(dataPlane, new DynamoDesiredSettingsStore(table)),
    },
    rollouts,
    jobs,
    dataPlane,
  };
}
