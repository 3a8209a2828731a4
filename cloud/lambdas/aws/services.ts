/**
 * The AWS adapters every Lambda shares, built once per instance (outside the handler) and
 * reused across invocations.
 */
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { DerivedKeySource, LazyKeySource } from '../../core/keys.ts';
import { OrderService } from '../../core/orders/order-service.ts';
import { systemClock } from '../../core/ports.ts';
import { nodeSha256 } from '../../core/sha256.ts';
import { DynamoOrderStore } from '../../store/dynamo/dynamo-order-store.ts';
import { openTable } from '../../store/dynamo/table.ts';
import { requireEnv } from './environment.ts';
import { EventBridgeSink } from './eventbridge-sink.ts';
import { loadMasterKeys } from './master-keys.ts';
import { powertoolsLog } from './powertools-log.ts';

export function awsServices(serviceName: string) {
  const table = openTable({
    tableName: requireEnv('TABLE_NAME'),
    endpoint: process.env.DYNAMODB_ENDPOINT,
  });
  const log = powertoolsLog(serviceName);
  const events = new EventBridgeSink(new EventBridgeClient({}), requireEnv('EVENT_BUS_NAME'));
  const orderStore = new DynamoOrderStore(table);
  const orders = new OrderService({ orders: orderStore, clock: systemClock, events, log });
  const secrets = new SecretsManagerClient({});
  const keySource = new LazyKeySource(async () => {
    const masters = await loadMasterKeys(secrets, requireEnv('MASTER_KEY_SECRET_ARN'));
    return new DerivedKeySource(masters.keys, nodeSha256);
  });
  return { table, log, events, orderStore, orders, keySource };
}
