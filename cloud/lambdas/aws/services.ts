/**
 * The AWS adapters every Lambda shares, built once per instance (outside the handler) and
 * reused across invocations.
 */
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { OrderService } from '../../core/orders/order-service.ts';
import { systemClock } from '../../core/ports.ts';
import { ReloadingKeySource } from '../../core/reloading-key-source.ts';
import { nodeSha256 } from '../../core/sha256.ts';
import { DynamoOrderStore } from '../../store/dynamo/dynamo-order-store.ts';
import { openTable } from '../../store/dynamo/table.ts';
import { requireEnv } from './environment.ts';
import { loadMasterKeys } from './master-keys.ts';
import { powertoolsLog } from './powertools-log.ts';

export function awsServices(serviceName: string) {
  const table = openTable({
    tableName: requireEnv('TABLE_NAME'),
    endpoint: process.env.DYNAMODB_ENDPOINT,
  });
  const log = powertoolsLog(serviceName);
  const orders = new OrderService({ orders: new DynamoOrderStore(table), clock: systemClock, log });
  const secrets = new SecretsManagerClient({});
  const keySource = new ReloadingKeySource(
    () => loadMasterKeys(secrets, requireEnv('MASTER_KEY_SECRET_ARN')),
    nodeSha256,
    systemClock,
  );
  return { table, log, orders, keySource };
}
