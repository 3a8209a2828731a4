/**
 * Update assignments in AWS: the table keeps the button's pending flag (the press path reads it
 * for the ack), and AWS IoT Jobs carries the update. Each rollout is one continuous job on one
 * thing group; assigning a button adds its thing to the group, which gives it a job execution.
 * The job and its stream are made on the first assignment: the image is copied from the image
 * store to S3, an MQTT-based file delivery stream is made over it, then the job.
 */
import {
  AddThingToThingGroupCommand,
  CancelJobExecutionCommand,
  CreateJobCommand,
  CreateStreamCommand,
  CreateThingGroupCommand,
  type IoTClient,
} from '@aws-sdk/client-iot';
import { PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { RestockError } from '../../core/errors.ts';
import type { FirmwareImage, FirmwareImageStore } from '../../core/ota/ports.ts';
import type { RolloutStore } from '../../core/rollouts/rollout-store.ts';
import type { UpdateAssigner } from '../../core/rollouts/rollouts.ts';
import { abortConfigOf, rolloutConfigOf, timeoutConfig } from './iot-job-config.ts';

export interface IotUpdateJobsConfig {
  bucket: string;
  /** The role IoT assumes to read the image from S3 for the stream. */
  streamRoleArn: string;
}

/** The AWS call that made a job or its stream failed; the assignment is not made. */
export class UpdateJobError extends RestockError {
  override readonly name = 'UpdateJobError';
  constructor(operation: string, job: string, cause: unknown) {
    super('UPDATE_JOB_FAILED', `${operation} for job ${job} failed`, {
      cause,
      details: { operation, job },
    });
  }
}

/** Where images go in the bucket (the API's write grant and the stream role's read are this prefix). */
export const IMAGE_PREFIX = 'firmware/';
export const imageKey = (brandId: string, fw: number) => `${IMAGE_PREFIX}${brandId}/${fw}.bin`;

const alreadyExists = (error: unknown) =>
  (error as { name?: string } | null)?.name === 'ResourceAlreadyExistsException';
/** Cancelling an execution that already finished, or never existed, leaves nothing to do. */
const nothingToCancel = (error: unknown) =>
  ['InvalidStateTransitionException', 'ResourceNotFoundException'].includes(
    (error as { name?: string } | null)?.name ?? '',
  );

export class IotUpdateJobs implements UpdateAssigner {
  /** Jobs made (or found made) by this instance: one make per job per Lambda instance. */
  private readonly made = new Set<string>();

  constructor(
    private readonly deps: {
      iot: IoTClient;
      s3: S3Client;
      /** The table's assignments (pending flag for the press path). */
      assignments: UpdateAssigner;
      rollouts: RolloutStore;
      images: FirmwareImageStore;
      config: IotUpdateJobsConfig;
    },
  ) {}

  async assign(deviceId: string, job: string, fw: number): Promise<boolean> {
    if (!(await this.deps.assignments.assign(deviceId, job, fw))) return false;
    await this.ensureJob(job);
    await this.call('AddThingToThingGroup', job, () =>
      this.deps.iot.send(
        new AddThingToThingGroupCommand({ thingGroupName: job, thingName: deviceId }),
      ),
    );
    return true;
  }

  async cancel(deviceId: string, job: string): Promise<void> {
    await this.deps.assignments.cancel(deviceId, job);
    try {
      await this.deps.iot.send(new CancelJobExecutionCommand({ jobId: job, thingName: deviceId }));
    } catch (error) {
      if (!nothingToCancel(error)) throw new UpdateJobError('CancelJobExecution', job, error);
    }
  }

  private async ensureJob(job: string): Promise<void> {
    if (this.made.has(job)) return;
    const { iot, s3, config } = this.deps;
    const rollout = await this.deps.rollouts.getRollout(job);
    const image = rollout ? await this.deps.images.get(rollout.brandId, rollout.fw) : null;
    if (!rollout || !image) throw new UpdateJobError('ensureJob', job, 'rollout or image missing');
    const key = imageKey(rollout.brandId, rollout.fw);
    await this.call('PutObject', job, async () =>
      s3.send(
        new PutObjectCommand({
          Bucket: config.bucket,
          Key: key,
          Body: await this.imageBytes(image),
          ContentType: 'application/octet-stream',
          ChecksumAlgorithm: 'SHA256',
        }),
      ),
    );
    await this.call('CreateStream', job, () =>
      iot.send(
        new CreateStreamCommand({
          streamId: image.stream,
          description: `firmware ${rollout.fw} of ${rollout.brandId}`,
          files: [{ fileId: 0, s3Location: { bucket: config.bucket, key } }],
          roleArn: config.streamRoleArn,
        }),
      ),
    );
    // Idempotent: a group that exists with the same attributes is answered, not refused.
    const group = await this.call('CreateThingGroup', job, () =>
      iot.send(new CreateThingGroupCommand({ thingGroupName: job })),
    );
    const groupArn = group?.thingGroupArn;
    if (!groupArn) throw new UpdateJobError('CreateThingGroup', job, 'no group ARN');
    await this.call('CreateJob', job, () =>
      iot.send(
        new CreateJobCommand({
          jobId: job,
          targets: [groupArn],
          targetSelection: 'CONTINUOUS',
          description: `firmware ${rollout.fw} to ${rollout.plan.stages.join('/')} % of ${rollout.brandId}`,
          document: JSON.stringify({
            fw: rollout.fw,
            size: image.size,
            sha256: image.sha256,
            stream: image.stream,
            block: image.block,
          }),
          jobExecutionsRolloutConfig: rolloutConfigOf(rollout),
          abortConfig: abortConfigOf(rollout),
          timeoutConfig,
        }),
      ),
    );
    this.made.add(job);
  }

  private async imageBytes(image: FirmwareImage): Promise<Uint8Array> {
    const bytes = new Uint8Array(image.size);
    for (let index = 0; index * image.block < image.size; index++) {
      const block = await this.deps.images.readBlock(image.stream, index);
      if (!block) throw new UpdateJobError('readBlock', image.stream, `block ${index} missing`);
      bytes.set(block, index * image.block);
    }
    return bytes;
  }

  /** Runs one AWS call; "already exists" means an earlier attempt made it, which is success. */
  private async call<T>(
    operation: string,
    job: string,
    send: () => Promise<T>,
  ): Promise<T | undefined> {
    try {
      return await send();
    } catch (error) {
      if (alreadyExists(error)) return undefined;
      throw new UpdateJobError(operation, job, error);
    }
  }
}
