/**
 * Firmware updates and settings in AWS, as Lambda runs them, on the wire: the API Lambda and the
 * updates Lambda with their real SDK v3 clients (IoT, IoT data plane, S3, Secrets Manager)
 * against a recording loopback that answers in each service's wire format, the table on
 * dynalite. A brand uploads an image and starts a rollout through the API Lambda (image to S3,
 * stream, group, continuous job, things added); a button's manifest request gets the signed
 * manifest published on its topic; job execution events widen the rollout, then abort it past
 * the failure threshold (pending executions cancelled); settings go to the Device Shadow and
 * the button's shadow report back to its item.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeManifest, deriveDeviceKey, toHex, verifyManifest } from '#shared/index';
import type { JobExecutionEvent } from '../../../cloud/lambdas/aws/job-execution-event.ts';
import { type DynaliteServer, startDynalite } from '../../../cloud/store/dynamo/dynalite-server.ts';
import { DynamoButtonStore } from '../../../cloud/store/dynamo/dynamo-button-store.ts';
import { ensureTable, openTable, type Table } from '../../../cloud/store/dynamo/table.ts';
import { callApiLambda, cognitoIssuer, type TokenIssuer } from '../../helpers/api-lambda.ts';
import { FakeAws, type WireRequest } from '../../helpers/aws-wire.ts';
import { nodeSha256 } from '../../helpers/sha256.ts';
import { dynamoUnderTest } from '../../helpers/stores.ts';
import { BRAND, button, MASTER_KEY, sku } from '../../helpers/world.ts';

const REGION = 'eu-central-1';
const ACCOUNT = '123456789012';
const IOT = `arn:aws:iot:${REGION}:${ACCOUNT}`;
const SECRET_ARN = `arn:aws:secretsmanager:${REGION}:${ACCOUNT}:secret:restock-master-AbCdEf`;
const BUCKET = 'restock-firmwareupdatesimages-1a2b3c';
const STREAM_ROLE = `arn:aws:iam::${ACCOUNT}:role/Restock-FirmwareUpdatesStreamRole-9Z8Y`;
const AUDIENCE = 'restock-client';
const FW = 7;
const IMAGE = new Uint8Array(2500).map((_, i) => (i * 7) % 256);
const FLEET = Array.from({ length: 20 }, (_, i) => `btn-${String(i).padStart(2, '0')}`);
/** The shadow's version after the settings write below (the shadow counts every update). */
const SHADOW_VERSION = 12;

let dynalite: DynaliteServer;
let aws: FakeAws;
let table: Table;
let tokens: TokenIssuer;
const saved = { ...process.env };
/** Jobs and streams the fake account holds: a second create is refused as AWS refuses it. */
const made = new Set<string>();

function answer(request: WireRequest) {
  const json = (body: unknown, contentType = 'application/json') => ({
    contentType,
    body: JSON.stringify(body),
  });
  const path = decodeURIComponent(request.path);
  if (request.operation === 'GET /pool/.well-known/jwks.json') return json(tokens.jwks);
  if (request.service === 'secretsmanager' && request.operation === 'GetSecretValue') {
    return json(
      { ARN: SECRET_ARN, SecretString: JSON.stringify({ 1: toHex(MASTER_KEY) }) },
      'application/x-amz-json-1.1',
    );
  }
  if (request.service === 's3' && request.method === 'PUT') {
    return { contentType: 'application/xml', body: '' };
  }
  if (request.service === 'iotdata' && path.startsWith('/topics/')) return json({});
  if (request.service === 'iotdata' && /^\/things\/[^/]+\/shadow$/.test(path)) {
    const sent = JSON.parse(request.body) as Record<string, unknown>;
    return json({ ...sent, version: SHADOW_VERSION, timestamp: 1_764_000_000 });
  }
  if (request.service !== 'iot') return undefined;
  const [, kind, name] = path.split('/');
  const once = (key: string, body: unknown) => {
    if (made.has(key)) {
      return {
        status: 409,
        contentType: 'application/json',
        body: JSON.stringify({ __type: 'ResourceAlreadyExistsException', message: key }),
      };
    }
    made.add(key);
    return json(body);
  };
  if (request.method === 'POST' && kind === 'streams') {
    return once(`stream/${name}`, { streamId: name, streamArn: `${IOT}:stream/${name}` });
  }
  if (request.method === 'POST' && kind === 'thing-groups') {
    // CreateThingGroup is idempotent in AWS: the same group again is answered, not refused.
    return json({ thingGroupName: name, thingGroupArn: `${IOT}:thinggroup/${name}` });
  }
  if (request.method === 'PUT' && kind === 'jobs') {
    return once(`job/${name}`, { jobId: name, jobArn: `${IOT}:job/${name}` });
  }
  if (request.method === 'PUT' && path === '/thing-groups/addThingToThingGroup') return json({});
  if (request.method === 'PUT' && kind === 'things' && path.endsWith('/cancel')) return json({});
  return undefined;
}

beforeAll(async () => {
  dynalite = await startDynalite();
  aws = await FakeAws.start(answer);
  table = openTable({ tableName: 'restock-updates-wire', endpoint: dynalite.endpoint });
  await ensureTable(table);
  const store = dynamoUnderTest(table);
  await store.putSku(sku());
  for (const deviceId of FLEET) await store.putButton(button(deviceId));
  const issuer = `${aws.url}/pool`;
  tokens = await cognitoIssuer(issuer, AUDIENCE);
  Object.assign(process.env, {
    AWS_REGION: REGION,
    AWS_ACCESS_KEY_ID: 'AKIDEXAMPLEUPDATES',
    AWS_SECRET_ACCESS_KEY: 'updates-wire-secret',
    AWS_ENDPOINT_URL: aws.url,
    POWERTOOLS_LOG_LEVEL: 'SILENT',
    TABLE_NAME: table.name,
    DYNAMODB_ENDPOINT: dynalite.endpoint,
    MASTER_KEY_SECRET_ARN: SECRET_ARN,
    NOTIFY_TOPIC_ARN: `arn:aws:sns:${REGION}:${ACCOUNT}:restock-notify`,
    JWT_ISSUER: issuer,
    JWT_AUDIENCE: AUDIENCE,
    IOT_DATA_ENDPOINT: aws.url,
    FIRMWARE_BUCKET: BUCKET,
    FIRMWARE_STREAM_ROLE_ARN: STREAM_ROLE,
  });
});

afterAll(async () => {
  process.env = saved;
  table?.raw.destroy();
  await aws?.close();
  await dynalite?.close();
});

async function api(method: string, path: string, body?: unknown) {
  const token = await tokens.sign({ 'cognito:groups': ['brand'], 'custom:tenant': BRAND });
  return callApiLambda(token, method, path, body);
}

async function updates(event: unknown) {
  const { handler } = await import('../../../cloud/lambdas/updates.ts');
  return handler(event as Parameters<typeof handler>[0]);
}

/** A job execution event as IoT Jobs publishes it on `$aws/events/jobExecution/{job}/{op}`. */
function jobEvent(
  job: string,
  deviceId: string,
  status: 'SUCCEEDED' | 'FAILED',
  statusDetails: Record<string, string>,
): JobExecutionEvent {
  return {
    eventType: 'JOB_EXECUTION',
    eventId: `${job}-${deviceId}-${status}`,
    timestamp: 1_764_000_000,
    operation: status.toLowerCase(),
    jobId: job,
    thingArn: `${IOT}:thing/${deviceId}`,
    status,
    statusDetails,
  };
}

const calls = () =>
  aws.requests
    .filter((r) => r.service !== 'secretsmanager' && r.service !== 'unsigned')
    .map((r) => `${r.service} ${r.method} ${decodeURIComponent(r.path)}`);

describe('a rollout in AWS, through the API and updates Lambdas', () => {
  let rolloutId = '';
  let members: string[] = [];

  it('API Lambda: the upload and rollout make the S3 copy, stream, group and job, and add the first stage', async () => {
    const uploaded = await api('PUT', `/v1/brand/firmware/${FW}`, IMAGE);
    expect(uploaded.status).toBe(201);
    expect(uploaded.body).toMatchObject({
      fw: FW,
      size: IMAGE.length,
      stream: `fw-${BRAND}-${FW}`,
    });
    aws.requests.length = 0;
    const created = await api('POST', '/v1/brand/rollouts', {
      fw: FW,
      stages: [10, 100],
      autoWidenSuccessPct: 90,
      failurePct: 50,
      minFinished: 4,
    });
    expect(created.status).toBe(201);
    rolloutId = created.body.rolloutId;
    // The stack's IAM grants name rollout jobs and groups `ro_*`.
    expect(rolloutId).toMatch(/^ro_[A-Za-z0-9]+$/);
    expect(created.body).toMatchObject({ fleetSize: 20, stage: 0, assigned: 2, status: 'active' });
    expect(calls()).toEqual([
      `s3 PUT /${BUCKET}/firmware/${BRAND}/${FW}.bin`,
      `iot POST /streams/fw-${BRAND}-${FW}`,
      `iot POST /thing-groups/${rolloutId}`,
      `iot PUT /jobs/${rolloutId}`,
      'iot PUT /thing-groups/addThingToThingGroup',
      'iot PUT /thing-groups/addThingToThingGroup',
    ]);
    const [put] = aws.of('s3');
    expect(put?.region).toBe(REGION);
    expect(Buffer.from(put?.body ?? '', 'latin1').length).toBe(IMAGE.length);
    const stream = aws.of('iot')[0];
    expect(stream?.json).toEqual({
      description: `firmware ${FW} of ${BRAND}`,
      files: [{ fileId: 0, s3Location: { bucket: BUCKET, key: `firmware/${BRAND}/${FW}.bin` } }],
      roleArn: STREAM_ROLE,
    });
    const job = aws.of('iot')[2];
    expect(job?.json).toMatchObject({
      targets: [`${IOT}:thinggroup/${rolloutId}`],
      targetSelection: 'CONTINUOUS',
      abortConfig: {
        criteriaList: [
          {
            failureType: 'ALL',
            action: 'CANCEL',
            thresholdPercentage: 50,
            minNumberOfExecutedThings: 4,
          },
        ],
      },
    });
    members = aws
      .of('iot')
      .filter((r) => r.path === '/thing-groups/addThingToThingGroup')
      .map((r) => {
        expect(r.json?.thingGroupName).toBe(rolloutId);
        return String(r.json?.thingName);
      });
    expect(members.every((m) => FLEET.includes(m))).toBe(true);
    // Each assigned button's item says an update waits: the next ack's `upd` bit.
    const items = new DynamoButtonStore(table);
    for (const deviceId of members) {
      expect((await items.getButton(deviceId))?.ota).toMatchObject({
        job: rolloutId,
        state: 'pending',
      });
    }
    for (const request of aws.requests.filter((r) => r.service !== 'unsigned')) {
      expect(String(request.headers.authorization)).toMatch(
        new RegExp(
          `Credential=AKIDEXAMPLEUPDATES/\\d{8}/${REGION}/${request.service}/aws4_request`,
        ),
      );
    }
  });

  it('updates Lambda: a button’s manifest request is answered on its manifest topic, signed with its key', async () => {
    const [deviceId] = members as [string];
    aws.requests.length = 0;
    expect(await updates({ kind: 'manifest/get', deviceId })).toEqual({ done: 'manifest' });
    const [publish] = aws.of('iotdata');
    expect(publish?.method).toBe('POST');
    expect(decodeURIComponent(publish?.path ?? '')).toBe(`/topics/restock/v1/${deviceId}/manifest`);
    expect(publish?.query.get('qos')).toBe('1');
    const decoded = decodeManifest(publish?.body ?? '');
    if (!decoded.ok) throw new Error(`manifest does not decode: ${JSON.stringify(decoded)}`);
    expect(decoded.message).toMatchObject({
      device: deviceId,
      job: rolloutId,
      fw: FW,
      size: IMAGE.length,
      stream: `fw-${BRAND}-${FW}`,
    });
    const key = deriveDeviceKey(nodeSha256, MASTER_KEY, deviceId, 1);
    expect(verifyManifest(nodeSha256, key, decoded.message)).toBe(true);
    // A button with no update waiting, or a forged thing name, gets nothing.
    const idle = FLEET.find((d) => !members.includes(d)) as string;
    expect(await updates({ kind: 'manifest/get', deviceId: idle })).toEqual({ done: 'manifest' });
    expect(await updates({ kind: 'manifest/get', deviceId: '../x' })).toEqual({
      done: 'ignored',
      reason: 'BAD_DEVICE_ID',
    });
    expect(aws.of('iotdata')).toHaveLength(1);
  });

  it('updates Lambda: job execution events widen the rollout, then abort it past the threshold', async () => {
    const [first, second] = members as [string, string];
    aws.requests.length = 0;
    for (const deviceId of [first, second]) {
      expect(
        await updates(
          jobEvent(rolloutId, deviceId, 'SUCCEEDED', { state: 'switched', fw: `${FW}` }),
        ),
      ).toEqual({ done: 'report' });
    }
    // Both switched: the second stage (all 20) is assigned by this Lambda's own IoT client; the
    // job and stream exist already, which it takes as done.
    let rollout = (await api('GET', `/v1/brand/rollouts/${rolloutId}`)).body;
    expect(rollout).toMatchObject({ stage: 1, assigned: 20, status: 'active' });
    expect(rollout.tally).toMatchObject({ switched: 2, pending: 18 });
    const added = aws
      .of('iot')
      .filter((r) => r.path === '/thing-groups/addThingToThingGroup')
      .map((r) => String(r.json?.thingName));
    expect(added.sort()).toEqual(FLEET.filter((d) => !members.includes(d)).sort());
    // A fresh instance makes sure of stream and job once; AWS's "already exists" counts as made.
    expect(calls().filter((c) => /^iot (POST \/streams|PUT \/jobs)\//.test(c))).toHaveLength(2);
    const items = new DynamoButtonStore(table);
    expect((await items.getButton(first))?.ota).toMatchObject({ state: 'switched' });

    // Two of the new buttons fail (one rolled back to its old slot): 2 of 4 finished = 50 %.
    const [third, fourth, fifth] = added as [string, string, string];
    aws.requests.length = 0;
    await updates(
      jobEvent(rolloutId, third, 'FAILED', { state: 'rolled_back', fw: `${FW}`, reason: 'NO_ACK' }),
    );
    expect((await api('GET', `/v1/brand/rollouts/${rolloutId}`)).body.status).toBe('active');
    await updates(
      jobEvent(rolloutId, fourth, 'FAILED', { state: 'failed', fw: `${FW}`, reason: 'IMAGE_HASH' }),
    );
    rollout = (await api('GET', `/v1/brand/rollouts/${rolloutId}`)).body;
    expect(rollout).toMatchObject({
      status: 'aborted',
      abortReason: { code: 'FAILURE_THRESHOLD', failures: 2, finished: 4 },
    });
    expect(rollout.tally).toMatchObject({ switched: 2, rolled_back: 1, failed: 1, cancelled: 16 });
    // Every execution no button had started is cancelled in IoT Jobs, and its item cleared.
    const cancels = aws
      .of('iot')
      .filter((r) => r.method === 'PUT' && r.path.endsWith('/cancel'))
      .map((r) => decodeURIComponent(r.path));
    expect(cancels).toHaveLength(16);
    expect(cancels).toContain(`/things/${fifth}/jobs/${rolloutId}/cancel`);
    expect((await items.getButton(fifth))?.ota).toMatchObject({
      state: 'failed',
      reason: 'CANCELLED',
    });
    expect((await items.getButton(third))?.ota).toMatchObject({
      state: 'rolled_back',
      reason: 'NO_ACK',
    });

    // The cancellations come back as events; they report nothing and change nothing.
    const cancelled = {
      ...jobEvent(rolloutId, fifth, 'FAILED', {}),
      status: 'CANCELED',
      operation: 'canceled',
    };
    expect(await updates(cancelled)).toEqual({ done: 'ignored', reason: 'NOT_A_REPORT' });
    expect((await api('GET', `/v1/brand/rollouts/${rolloutId}`)).body.tally).toEqual(rollout.tally);
  });
});

describe('device settings in AWS', () => {
  it('API Lambda: desired settings go to the Device Shadow, and the item keeps the shadow’s version', async () => {
    aws.requests.length = 0;
    const deviceId = 'btn-03';
    const set = await api('PUT', `/v1/brand/buttons/${deviceId}/device-settings`, {
      led: 40,
      longCancels: false,
      wifi: [{ ssid: 'home', pass: 'correct horse' }],
    });
    expect(set.status).toBe(200);
    const [shadow] = aws.of('iotdata');
    expect(shadow?.method).toBe('POST');
    expect(decodeURIComponent(shadow?.path ?? '')).toBe(`/things/${deviceId}/shadow`);
    // Every setting named: the ones not set are deleted from `desired` (null), not kept.
    expect(JSON.parse(shadow?.body ?? '')).toEqual({
      state: {
        desired: {
          led: 40,
          longCancels: false,
          wifi: [{ ssid: 'home', pass: 'correct horse' }],
          doubleMs: null,
          longMs: null,
          double: null,
        },
      },
    });
    expect(set.body.desired).toEqual({
      version: SHADOW_VERSION,
      settings: { led: 40, longCancels: false, wifi: [{ ssid: 'home' }] },
    });
    // The press path compares this version with the one the button last applied.
    const item = await new DynamoButtonStore(table).getButton(deviceId);
    expect(item?.desired?.version).toBe(SHADOW_VERSION);
  });

  it('updates Lambda: the button’s shadow report is recorded on its item; a report without a version is refused', async () => {
    const deviceId = 'btn-03';
    const reported = { cfg: SHADOW_VERSION, led: 40, longCancels: false };
    expect(await updates({ kind: 'shadow/reported', deviceId, reported })).toEqual({
      done: 'settings',
    });
    expect((await new DynamoButtonStore(table).getButton(deviceId))?.reported).toEqual(reported);
    expect(await updates({ kind: 'shadow/reported', deviceId, reported: { led: 1 } })).toEqual({
      done: 'ignored',
      reason: 'NO_SETTINGS_VERSION',
    });
    expect((await new DynamoButtonStore(table).getButton(deviceId))?.reported).toEqual(reported);
  });
});
