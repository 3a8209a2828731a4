/**
 * The AWS adapters every Lambda shares, built once per instance (outside the handler) and
 * reused across invocations.
 */
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { dynamoApiStores } from '../../api/stores.ts';
import { FleetHealth } from '../../core/health/fleet-health.ts';
import { DerivedKeySource, LazyKeySource } from '../../core/keys.ts';
import { OrderService } from '../../core/orders/order-service.ts';
import { systemClock } from '../../core/ports.ts';
import { Reminders } from '../../core/reminders/reminders.ts';
import { nodeSha256 } from '../../core/sha256.ts';
import { DynamoOrderStore } from '../../store/dynamo/dynamo-order-store.ts';
import { DynamoReminderStore } from '../../store/dynamo/dynamo-reminder-store.ts';
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
  const orderStore = new DynamoOrderStore(table);
  const orders = new OrderService({ orders: orderStore, clock: systemClock, log });
  const secrets = new SecretsManagerClient({});
  const keySource = new LazyKeySource(async () => {
    const masters = await loadMasterKeys(secrets, requireEnv('MASTER_KEY_SECRET_ARN'));
    return new DerivedKeySource(masters.keys, nodeSha256);
  }, systemClock);
  const reminders = new Reminders({
    store: new DynamoReminderStore(table),
    clock: systemClock,
    log,
  });
  const health = new FleetHealth(dynamoApiStores(table), systemClock, log);
  return { table, log, orderStore, orders, reminders, health, keySource };
}
