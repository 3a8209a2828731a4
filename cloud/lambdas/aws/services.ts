/**
 * The AWS adapters every Lambda shares, built once per instance (outside the handler) and
 * reused across invocations.
 */
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { DerivedKeySource } from '../../core/keys.ts';
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
  const orders = new OrderService({
    orders: new DynamoOrderStore(table),
    clock: systemClock,
    events,
    log,
  });
  let keys: Promise<DerivedKeySource> | undefined;
  const keySource = () => {
    keys ??= loadMasterKeys(new SecretsManagerClient({}), requireEnv('MASTER_KEY_SECRET_ARN')).then(
      (masters) => new DerivedKeySource(masters, nodeSha256),
    );
    // A failed fetch is not cached: the next invocation tries again.
    keys.catch(() => {
      keys = undefined;
    });
    return keys;
  };
  return { table, log, events, orders, keySource };
}
