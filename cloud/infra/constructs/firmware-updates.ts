/**
 * Firmware updates and settings in AWS. Images go to a private bucket, and AWS IoT serves their
 * blocks itself (MQTT-based file delivery streams, read with a role scoped to the bucket); each
 * rollout is a continuous IoT job on its own thing group. The updates Lambda sits behind three
 * IoT rules — a button's manifest request, job execution events, shadow reports — and a sweep
 * schedule; a rule that cannot invoke it, and an invocation that keeps failing, end in its
 * dead-letter queue. The API Lambda gets what rollouts and settings need, each grant scoped to
 * the rollouts' jobs and groups, the images' streams, and the bucket.
 */
import { LambdaFunctionAction, SqsQueueAction } from '@aws-cdk/aws-iot-actions-alpha';
import * as iot from '@aws-cdk/aws-iot-alpha';
import { Aws, Duration, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import { Rule, RuleTargetInput, Schedule } from 'aws-cdk-lib/aws-events';
import { LambdaFunction } from 'aws-cdk-lib/aws-events-targets';
import { PolicyStatement, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { BlockPublicAccess, Bucket, BucketEncryption, type CfnBucket } from 'aws-cdk-lib/aws-s3';
import type { ISecret } from 'aws-cdk-lib/aws-secretsmanager';
import { PhysicalResourceId } from 'aws-cdk-lib/custom-resources';
import { Construct } from 'constructs';
import { manifestTopic } from '#shared/index';
import { ROLLOUT_ID_PREFIX } from '../../core/rollouts/model.ts';
import { IMAGE_PREFIX } from '../../lambdas/aws/iot-update-jobs.ts';
import { JOB_EXECUTION_RULE_SQL } from '../../lambdas/aws/job-execution-event.ts';
import {
  MANIFEST_RULE_SQL,
  SHADOW_REPORTED_RULE_SQL,
  SWEEP_EVENT,
} from '../../lambdas/aws/update-topics.ts';
import { deployTimeCall } from './deploy-time-call.ts';
import { DeadLetters, IOT_ARN_PREFIX } from './device-fleet.ts';
import { RestockFunction } from './restock-function.ts';

/** Rollout ids name each rollout's job and thing group. */
const ROLLOUT_NAMES = `${ROLLOUT_ID_PREFIX}*`;
/** Image streams are named `fw-{brand}-{version}` (streamName). */
const STREAM_NAMES = 'fw-*';

/** An IoT ARN prefix as cdk-nag writes it in a finding's id. */
const NAG_IOT = 'arn:<AWS::Partition>:iot:<AWS::Region>:<AWS::AccountId>';

/** Acknowledges cdk-nag's wildcard findings on a role, one resource and reason at a time. */
function acknowledgeWildcards(role: Role, reasons: Record<string, string>): void {
  for (const [resource, reason] of Object.entries(reasons)) {
    Validations.of(role).acknowledge({ id: `AwsSolutions-IAM5[Resource::${resource}]`, reason });
  }
}

export interface FirmwareUpdatesProps {
  tableName: string;
  /** The table and its indexes, by ARN. */
  tableResources: string[];
  tableActions: readonly string[];
  masterKey: ISecret;
  /** `https://…` — the account's IoT data endpoint. */
  iotDataEndpoint: string;
  /** The API Lambda: it uploads images, starts rollouts and sets desired settings. */
  api: RestockFunction;
  /**
   * Turn on AWS IoT job execution events (one setting per account and region, like IoT
   * logging): rollouts in AWS hear of their buttons' results only through them.
   */
  jobEvents: boolean;
}

export class FirmwareUpdates extends Construct {
  readonly bucket: Bucket;
  readonly streamRole: Role;
  readonly fn: RestockFunction;
  readonly deadLetters: DeadLetters;
  readonly rules: iot.TopicRule[];

  constructor(scope: Construct, id: string, props: FirmwareUpdatesProps) {
    super(scope, id);
    this.bucket = new Bucket(this, 'Images', {
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      encryption: BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      // Copies of the images the table holds; kept if the stack goes, never fixed-named.
      removalPolicy: RemovalPolicy.RETAIN,
    });
    Validations.of(this.bucket).acknowledge({
      id: 'AwsSolutions-S1',
      reason: 'Written only by the API Lambda and read only by IoT streams; CloudTrail logs both.',
    });
    const images = this.bucket.arnForObjects(`${IMAGE_PREFIX}*`);

    // IoT reads the image for the stream with this role, and with nothing else.
    this.streamRole = new Role(this, 'StreamRole', {
      assumedBy: new ServicePrincipal('iot.amazonaws.com', {
        conditions: { StringEquals: { 'aws:SourceAccount': Aws.ACCOUNT_ID } },
      }),
      description: 'AWS IoT reads Restock firmware images for MQTT-based file delivery',
    });
    this.streamRole.addToPolicy(
      new PolicyStatement({ actions: ['s3:GetObject'], resources: [images] }),
    );
    acknowledgeWildcards(this.streamRole, {
      [`<${this.imagesId()}.Arn>/${IMAGE_PREFIX}*`]: 'Reads firmware images only, for the streams.',
    });

    this.deadLetters = new DeadLetters(this, 'DeadLetters', 'the update rules and Lambda');
    const environment = {
      TABLE_NAME: props.tableName,
      MASTER_KEY_SECRET_ARN: props.masterKey.secretArn,
      IOT_DATA_ENDPOINT: props.iotDataEndpoint,
      FIRMWARE_BUCKET: this.bucket.bucketName,
      FIRMWARE_STREAM_ROLE_ARN: this.streamRole.roleArn,
    };
    this.fn = new RestockFunction(this, 'Updates', {
      entry: 'updates',
      description:
        'Answers manifest requests; turns job execution events and shadow reports into rollout and settings state',
      environment,
      timeout: Duration.seconds(60),
      deadLetterQueue: this.deadLetters.queue,
    });
    for (const [name, value] of Object.entries(environment)) {
      if (name !== 'TABLE_NAME' && name !== 'MASTER_KEY_SECRET_ARN') {
        props.api.fn.addEnvironment(name, value);
      }
    }

    const updates = this.fn.fn;
    updates.addToRolePolicy(
      new PolicyStatement({ actions: [...props.tableActions], resources: props.tableResources }),
    );
    props.masterKey.grantRead(updates);
    // The signed manifest goes to the asking button's manifest topic, no other.
    updates.addToRolePolicy(
      new PolicyStatement({
        actions: ['iot:Publish'],
        resources: [`${IOT_ARN_PREFIX}:topic/${manifestTopic('*')}`],
      }),
    );
    acknowledgeWildcards(this.fn.role, {
      [`${NAG_IOT}:topic/${manifestTopic('*')}`]:
        'Manifests go to whichever button asked: its manifest topic only.',
    });
    // A report can widen a rollout (more assignments) or abort it (executions cancelled).
    for (const fn of [props.api, this.fn]) this.grantRolloutJobs(fn);
    // Desired settings go to the thing's shadow (the API only; the button reports its own).
    props.api.fn.addToRolePolicy(
      new PolicyStatement({
        actions: ['iot:UpdateThingShadow'],
        resources: [`${IOT_ARN_PREFIX}:thing/*`],
      }),
    );

    const rule = (name: string, description: string, sql: string) =>
      new iot.TopicRule(this, name, {
        description,
        sql: iot.IotSql.fromStringAsVer20160323(sql),
        actions: [new LambdaFunctionAction(updates)],
        errorAction: new SqsQueueAction(this.deadLetters.queue),
      });
    this.rules = [
      rule(
        'ManifestRule',
        'A button asks for the signed manifest of its update',
        MANIFEST_RULE_SQL,
      ),
      rule(
        'JobExecutionRule',
        'Job execution results (IoT Jobs events) to the rollout engine',
        JOB_EXECUTION_RULE_SQL,
      ),
      rule(
        'ShadowReportedRule',
        'Settings a button reports applying, to its button item',
        SHADOW_REPORTED_RULE_SQL,
      ),
    ];

    new Rule(this, 'SweepSchedule', {
      description: 'Moves open rollouts on (assignments a crash left owed) every five minutes',
      schedule: Schedule.rate(Duration.minutes(5)),
      // A missed run is covered by the next one: the work waits in the table.
      targets: [
        new LambdaFunction(updates, {
          event: RuleTargetInput.fromObject(SWEEP_EVENT),
          retryAttempts: 0,
          maxEventAge: Duration.minutes(5),
        }),
      ],
    });

    if (props.jobEvents) {
      deployTimeCall(
        this,
        'JobExecutionEvents',
        {
          service: 'Iot',
          action: 'updateEventConfigurations',
          parameters: { eventConfigurations: { JOB_EXECUTION: { Enabled: true } } },
          physicalResourceId: PhysicalResourceId.of('iot-job-execution-events'),
        },
        'iot:UpdateEventConfigurations is account-wide; it has no resource-level permission.',
      );
    }
  }

  /** The bucket's logical id, as cdk-nag names its ARN. */
  private imagesId(): string {
    return Stack.of(this).getLogicalId(this.bucket.node.defaultChild as CfnBucket);
  }

  /**
   * What IotUpdateJobs calls: the image into the bucket, a stream over it (passing the stream
   * role), the rollout's group and job, things into the group, executions cancelled.
   */
  private grantRolloutJobs(target: RestockFunction): void {
    const job = `${IOT_ARN_PREFIX}:job/${ROLLOUT_NAMES}`;
    const group = `${IOT_ARN_PREFIX}:thinggroup/${ROLLOUT_NAMES}`;
    const thing = `${IOT_ARN_PREFIX}:thing/*`;
    const stream = `${IOT_ARN_PREFIX}:stream/${STREAM_NAMES}`;
    const allow = (actions: string[], resources: string[]) =>
      target.fn.addToRolePolicy(new PolicyStatement({ actions, resources }));
    allow(['s3:PutObject'], [this.bucket.arnForObjects(`${IMAGE_PREFIX}*`)]);
    allow(['iot:CreateStream'], [stream]);
    allow(['iam:PassRole'], [this.streamRole.roleArn]);
    allow(['iot:CreateThingGroup'], [group]);
    allow(['iot:CreateJob'], [job, group]);
    allow(['iot:AddThingToThingGroup'], [group, thing]);
    allow(['iot:CancelJobExecution'], [job, thing]);
    acknowledgeWildcards(target.role, {
      [`<${this.imagesId()}.Arn>/${IMAGE_PREFIX}*`]:
        'Firmware images only: one object per brand and version.',
      [`${NAG_IOT}:stream/${STREAM_NAMES}`]:
        'Image streams only; a stream is named after its brand and version.',
      [`${NAG_IOT}:thinggroup/${ROLLOUT_NAMES}`]:
        'Rollout groups only; a group is named after its rollout.',
      [`${NAG_IOT}:job/${ROLLOUT_NAMES}`]: 'Rollout jobs only; a job is named after its rollout.',
      [`${NAG_IOT}:thing/*`]:
        'Any button: things are named by device id, which has no common prefix.',
    });
  }
}
