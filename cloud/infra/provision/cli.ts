/**
 * `npm run provision -- --brand <id> --count <n> [--aws] [--out <dir>]`
 *
 * With --aws: things and DEFAULT-mode certificates in AWS IoT, buttons registered in the
 * deployed table, device secrets derived from the master key in Secrets Manager.
 * Without: certificates from the local stack's development CA, buttons registered in the local
 * store (DYNAMODB_ENDPOINT), secrets from the local master key file.
 * Either way, one JSON configuration per device is written for `npm run flash`.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { IoTClient } from '@aws-sdk/client-iot';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { dynamoApiStores } from '../../api/stores.ts';
import { Catalog } from '../../core/catalog/catalog.ts';
import { Fleet } from '../../core/fleet/fleet.ts';
import { DerivedKeySource } from '../../core/keys.ts';
import { systemClock } from '../../core/ports.ts';
import { nodeSha256 } from '../../core/sha256.ts';
import { openTable } from '../../store/dynamo/table.ts';
import { AwsIotIssuer } from './aws-issuer.ts';
import { DevCaIssuer, localDevelopmentCa } from './dev-ca-issuer.ts';
import { writeDeviceConfig } from './device-config.ts';
import { masterKeyFromSecretsManager, parseMasterKey } from './master-key.ts';
import type { CertificateIssuer, MasterKey } from './ports.ts';
import { provisionBatch } from './provision.ts';
import { FleetButtonRegistry } from './registry.ts';

const USAGE = `usage: npm run provision -- --brand <id> --count <n> [--aws] [options]
  --aws               provision in AWS IoT (credentials and region from the usual AWS chain,
                      the same for every client)
  --table <name>      table to register buttons in (the stack's TableName output; env TABLE_NAME)
  with --aws, from the stack's outputs:
  --policy <name>     IotPolicyName
  --thing-type <name> ThingTypeName
  --secret <arn>      MasterKeySecretArn
  --data <dir>        local stack data folder, without --aws (default .restock)
  --broker <host:port> local TLS broker, without --aws (default localhost:8883)
  --out <dir>         where device configurations go (default <data>/devices)`;

async function main(argv: string[]) {
  const { values } = parseArgs({
    args: argv,
    options: {
      brand: { type: 'string' },
      count: { type: 'string', default: '1' },
      aws: { type: 'boolean', default: false },
      table: { type: 'string' },
      secret: { type: 'string' },
      policy: { type: 'string' },
      'thing-type': { type: 'string' },
      data: { type: 'string', default: '.restock' },
      broker: { type: 'string', default: 'localhost:8883' },
      out: { type: 'string' },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help || !values.brand) {
    console.log(USAGE);
    process.exitCode = values.help ? 0 : 2;
    return;
  }
  const tableName = values.table ?? process.env.TABLE_NAME ?? (values.aws ? undefined : 'restock');
  if (!tableName) throw new Error('--table (the stack output TableName) is required with --aws');
  const outDir = values.out ?? join(values.data, 'devices');

  let issuer: CertificateIssuer;
  let masterKey: MasterKey;
  if (values.aws) {
    const policyName = values.policy;
    const thingTypeName = values['thing-type'];
    const secret = values.secret;
    if (!policyName || !thingTypeName || !secret) {
      throw new Error(
        '--policy, --thing-type and --secret (the stack outputs IotPolicyName, ThingTypeName, MasterKeySecretArn) are required with --aws',
      );
    }
    issuer = new AwsIotIssuer({ client: new IoTClient({}), policyName, thingTypeName });
    masterKey = await masterKeyFromSecretsManager(new SecretsManagerClient({}), secret);
  } else {
    const [host, port] = values.broker.split(':');
    issuer = new DevCaIssuer(await localDevelopmentCa(values.data), {
      host: host || 'localhost',
      port: Number(port || 8883),
    });
    const path = join(values.data, 'master-key.json');
    masterKey = parseMasterKey(await readFile(path, 'utf8'), path);
  }
  const endpoint = values.aws
    ? undefined
    : process.env.DYNAMODB_ENDPOINT || (await localStoreEndpoint(values.data));
  const stores = dynamoApiStores(openTable({ tableName, endpoint }));
  const keys = new DerivedKeySource(new Map([[masterKey.version, masterKey.key]]), nodeSha256);
  const registry = new FleetButtonRegistry(
    new Fleet(
      stores.buttons,
      stores.claims,
      new Catalog(stores.skus, systemClock),
      keys,
      systemClock,
      stores.buttonEvents,
    ),
  );
  const configs = await provisionBatch({
    brandId: values.brand,
    count: Number(values.count),
    issuer,
    registry,
    masterKey,
    output: async (config, claimCode) => {
      const path = await writeDeviceConfig(outDir, config);
      console.log(`${config.device}  claim code ${claimCode}  ${path}`);
    },
  });
  const broker = configs[0]?.broker;
  console.log(
    `provisioned ${configs.length} button(s) for brand ${values.brand} via ${issuer.name}` +
      (broker ? ` (broker ${broker.host}:${broker.port})` : ''),
  );
}

/** The running local stack's store, from the runtime file `npm start` writes. */
async function localStoreEndpoint(dataDir: string): Promise<string> {
  const path = join(dataDir, 'stack.json');
  const text = await readFile(path, 'utf8').catch(() => {
    throw new Error(
      `no running local stack found (${path} is missing): start it with npm start, or set DYNAMODB_ENDPOINT`,
    );
  });
  const endpoint = (JSON.parse(text) as { dynamodbEndpoint?: string }).dynamodbEndpoint;
  if (!endpoint || endpoint === 'aws') {
    throw new Error(`${path} names no local store endpoint; set DYNAMODB_ENDPOINT`);
  }
  return endpoint;
}

main(process.argv.slice(2)).catch((error: unknown) => {
  const cause =
    error instanceof Error && error.cause instanceof Error ? `: ${error.cause.message}` : '';
  console.error(`${error instanceof Error ? error.message : String(error)}${cause}`);
  process.exitCode = 1;
});
