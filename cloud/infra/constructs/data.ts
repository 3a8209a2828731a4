/**
 * The single table (cloud/store/dynamo/table-keys.ts) and the master signing key. Both hold
 * state that cannot be recreated, so both are retained when the stack goes away.
 */
import { RemovalPolicy, Validations } from 'aws-cdk-lib';
import {
  AttributeType,
  BillingMode,
  ProjectionType,
  StreamViewType,
  Table,
  TableEncryption,
} from 'aws-cdk-lib/aws-dynamodb';
import { Secret } from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';
import { TABLE_INDEXES } from '../../store/dynamo/table-keys.ts';

export class Data extends Construct {
  readonly table: Table;
  readonly masterKey: Secret;

  constructor(scope: Construct, id: string) {
    super(scope, id);
    this.table = new Table(this, 'Table', {
      partitionKey: { name: 'pk', type: AttributeType.STRING },
      sortKey: { name: 'sk', type: AttributeType.STRING },
      billingMode: BillingMode.PAY_PER_REQUEST,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      timeToLiveAttribute: 'expiresAt',
      deletionProtection: true,
      encryption: TableEncryption.AWS_MANAGED,
      removalPolicy: RemovalPolicy.RETAIN,
      // The outbox: each order change with its history before and after (constructs/order-events.ts).
      stream: StreamViewType.NEW_AND_OLD_IMAGES,
    });
    for (const name of TABLE_INDEXES) {
      this.table.addGlobalSecondaryIndex({
        indexName: name,
        partitionKey: { name: `${name}pk`, type: AttributeType.STRING },
        sortKey: { name: `${name}sk`, type: AttributeType.STRING },
        // Keys only: a press's writes to a button or order never rewrite (and bill) index entries.
        projectionType: ProjectionType.KEYS_ONLY,
      });
    }

    // Secret string: JSON object of key version → 64 hex characters (256-bit master key).
    // Lower-case letters g–z are excluded so the generated string is hex.
    this.masterKey = new Secret(this, 'MasterKey', {
      description: 'Restock master signing keys by key version (JSON: {"1": "<64 hex>"})',
      generateSecretString: {
        secretStringTemplate: '{}',
        generateStringKey: '1',
        passwordLength: 64,
        excludeUppercase: true,
        excludePunctuation: true,
        includeSpace: false,
        excludeCharacters: 'ghijklmnopqrstuvwxyz',
      },
      removalPolicy: RemovalPolicy.RETAIN,
    });
    Validations.of(this.masterKey).acknowledge({
      id: 'AwsSolutions-SMG4',
      reason: 'Device keys derive from it; rotation adds a new key version, never replaces one.',
    });
  }
}
