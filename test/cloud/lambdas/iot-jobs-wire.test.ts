/**
 * Rollouts on AWS IoT Jobs as the SDK sends them: real SDK v3 clients (IoT, S3) against a
 * recording loopback that answers in the services' wire formats. The first assignment copies
 * the image to S3, makes the stream over it, the rollout's thing group and its continuous job
 * (rollout, abort and timeout configuration from the plan); each assignment adds the thing to
 * the group; a withdrawn one cancels the execution. Job execution events turn into reports.
 */
import { IoTClient } from '@aws-sdk/client-iot';
import { S3Client } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Rollouts } from '../../../cloud/core/rollouts/rollouts.ts';
import { IotUpdateJobs, imageKey } from '../../../cloud/lambdas/aws/iot-update-jobs.ts';
import { reportOf } from '../../../cloud/lambdas/aws/job-execution-event.ts';
import { MemoryButtonStore } from '../../../cloud/store/memory/memory-button-store.ts';
import { MemoryRolloutStore } from '../../../cloud/store/memory/memory-rollout-store.ts';
import { MemoryTable } from '../../../cloud/store/memory/memory-table.ts';
import { FakeAws, type WireRequest } from '../../helpers/aws-wire.ts';
import { memoryImages } from '../../helpers/ota-stores.ts';
import { RecordingAssigner } from '../../helpers/rollout-world.ts';
import { BRAND, button, ManualClock, MemoryLog } from '../../helpers/world.ts';

const REGION = 'eu-central-1';
const ACCOUNT = '123456789012';
const IOT = `arn:aws:iot:${REGION}:${ACCOUNT}`;
const BUCKET = 'restock-firmware-images';
const STREAM_ROLE = `arn:aws:iam::${ACCOUNT}:role/Restock-FirmwareRolloutsStreamRole`;
const FW = 42;
const IMAGE = new Uint8Array(3000).map((_, i) => (i * 31) % 256);

let aws: FakeAws;

function answer(request: WireRequest) {
  const json = (body: unknown) => ({ contentType: 'application/json', body: JSON.stringify(body) });
  if (request.service === 's3' && request.method === 'PUT') {
    return { contentType: 'application/xml', body: '' };
  }
  if (request.service !== 'iot') return undefined;
  const [, kind, name, action] = request.path.split('/');
  if (request.method === 'POST' && kind === 'streams') {
    return json({ streamId: name, streamArn: `${IOT}:stream/${name}`, streamVersion: 1 });
  }
  if (request.method === 'POST' && kind === 'thing-groups') {
    return json({ thingGroupName: name, thingGroupArn: `${IOT}:thinggroup/${name}` });
  }
  if (request.method === 'PUT' && kind === 'jobs') {
    return json({ jobId: name, jobArn: `${IOT}:job/${name}` });
  }
  if (request.method === 'PUT' && kind === 'thing-groups' && name === 'addThingToThingGroup') {
    return json({});
  }
  if (request.method === 'PUT' && kind === 'things' && action === 'jobs') return json({});
  return undefined;
}

beforeAll(async () => {
  aws = await FakeAws.start(answer);
});
afterAll(async () => aws?.close());

function world() {
  const table = new MemoryTable();
  for (let i = 0; i < 20; i++) table.putButton(button(`btn-${String(i).padStart(2, '0')}`));
  const store = new MemoryRolloutStore(table);
  const images = memoryImages();
  const credentials = { accessKeyId: 'AKIDEXAMPLEWIRETEST', secretAccessKey: 'wire-test-secret' };
  const jobs = new IotUpdateJobs({
    iot: new IoTClient({ region: REGION, endpoint: aws.url, credentials }),
    s3: new S3Client({ region: REGION, endpoint: aws.url, credentials, forcePathStyle: true }),
    assignments: new RecordingAssigner(),
    rollouts: store,
    images,
    config: { bucket: BUCKET, streamRoleArn: STREAM_ROLE },
  });
  let ids = 0;
  const rollouts = new Rollouts({
    store,
    fleet: new MemoryButtonStore(table),
    assigner: jobs,
    images,
    clock: new ManualClock(),
    newId: () => `wire${++ids}`,
    log: new MemoryLog(),
  });
  return { rollouts, images, store };
}

describe('a rollout on AWS IoT Jobs, on the wire', () => {
  it('copies the image, makes stream, group and job from the plan, and adds each assigned thing', async () => {
    aws.requests.length = 0;
    const { rollouts, images } = world();
    const image = await images.put(BRAND, FW, IMAGE);
    const rollout = await rollouts.create({
      brandId: BRAND,
      fw: FW,
      plan: {
        stages: [10, 50, 100],
        autoWiden: { successPct: 90 },
        abort: { failurePct: 20, minFinished: 3 },
      },
      by: { kind: 'brand', id: BRAND },
    });
    expect(rollout.assigned).toBe(2);
    const ops = aws.requests.map((r) => `${r.service} ${r.method} ${decodeURIComponent(r.path)}`);
    expect(ops).toEqual([
      `s3 PUT /${BUCKET}/${imageKey(BRAND, FW)}`,
      `iot POST /streams/${image.stream}`,
      `iot POST /thing-groups/${rollout.rolloutId}`,
      `iot PUT /jobs/${rollout.rolloutId}`,
      'iot PUT /thing-groups/addThingToThingGroup',
      'iot PUT /thing-groups/addThingToThingGroup',
    ]);
    const [put, stream, , job, add] = aws.requests;
    expect(put?.region).toBe(REGION);
    expect(put?.body.length).toBe(IMAGE.length);
    expect(stream?.json).toEqual({
      description: `firmware ${FW} of ${BRAND}`,
      files: [{ fileId: 0, s3Location: { bucket: BUCKET, key: imageKey(BRAND, FW) } }],
      roleArn: STREAM_ROLE,
    });
    expect(job?.json).toMatchObject({
      targets: [`${IOT}:thinggroup/${rollout.rolloutId}`],
      targetSelection: 'CONTINUOUS',
      jobExecutionsRolloutConfig: {
        maximumPerMinute: 1000,
        exponentialRate: {
          baseRatePerMinute: 2,
          incrementFactor: 5,
          rateIncreaseCriteria: { numberOfSucceededThings: 2 },
        },
      },
      abortConfig: {
        criteriaList: [
          {
            failureType: 'ALL',
            action: 'CANCEL',
            thresholdPercentage: 20,
            minNumberOfExecutedThings: 3,
          },
        ],
      },
      timeoutConfig: { inProgressTimeoutInMinutes: 10080 },
    });
    expect(JSON.parse(String(job?.json?.document))).toEqual({
      fw: FW,
      size: image.size,
      sha256: image.sha256,
      stream: image.stream,
      block: image.block,
    });
    expect(add?.json).toEqual({
      thingGroupName: rollout.rolloutId,
      thingName: expect.stringMatching(/^btn-/),
    });
  });

  it('turns job execution events into reports, and cancels the executions an abort withdraws', async () => {
    const { rollouts, images, store } = world();
    await images.put(BRAND, FW, IMAGE);
    const rollout = await rollouts.create({
      brandId: BRAND,
      fw: FW,
      plan: { stages: [50], autoWiden: null, abort: { failurePct: 50, minFinished: 2 } },
      by: { kind: 'brand', id: BRAND },
    });
    const members = (await store.listMembers(rollout.rolloutId, { limit: 100 })).items;
    expect(members).toHaveLength(10);
    aws.requests.length = 0;
    const event = (deviceId: string, status: string, statusDetails: Record<string, string>) => ({
      eventType: 'JOB_EXECUTION',
      eventId: `e-${deviceId}`,
      timestamp: 1_764_000_000,
      operation: status.toLowerCase(),
      jobId: rollout.rolloutId,
      thingArn: `${IOT}:thing/${deviceId}`,
      status,
      statusDetails,
    });
    const [first, second] = members;
    const rolledBack = reportOf(
      event(first?.deviceId ?? '', 'FAILED', { state: 'rolled_back', fw: '41', reason: 'NO_ACK' }),
    );
    expect(rolledBack).toMatchObject({
      deviceId: first?.deviceId,
      state: 'rolled_back',
      reason: 'NO_ACK',
    });
    expect(await rollouts.report(rolledBack as NonNullable<typeof rolledBack>)).toBe('applied');
    const timedOut = reportOf(event(second?.deviceId ?? '', 'TIMED_OUT', {}));
    expect(timedOut).toMatchObject({ state: 'failed', reason: 'TIMED_OUT' });
    await rollouts.report(timedOut as NonNullable<typeof timedOut>);
    expect((await rollouts.get(rollout.rolloutId, null)).status).toBe('aborted');
    const cancels = aws.requests.filter((r) => r.path.endsWith('/cancel'));
    expect(cancels).toHaveLength(8);
    expect(cancels.map((r) => decodeURIComponent(r.path))).toContain(
      `/things/${members[2]?.deviceId}/jobs/${rollout.rolloutId}/cancel`,
    );
    expect(reportOf({ ...event('x', 'CANCELED', {}), operation: 'canceled' })).toBeNull();
  });
});
