/**
 * `npm run provision -- --aws` as a user runs it (the CLI in a child process), against AWS IoT
 * and Secrets Manager on the wire (a recording double answering in their wire formats) and
 * DynamoDB (dynalite behind the same double). The region comes from the profile only, as on a
 * machine with `aws configure` and no AWS_REGION.
 */
import { spawn } from 'node:child_process';
import { createHmac } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type DynaliteServer, startDynalite } from '../../../cloud/store/dynamo/dynalite-server.ts';
import { ensureTable, openTable, type Table } from '../../../cloud/store/dynamo/table.ts';
import { keys } from '../../../cloud/store/dynamo/table-keys.ts';
import { FakeAws, type WireRequest } from '../../helpers/aws-wire.ts';

const PROFILE_REGION = 'eu-west-3';
const ACCOUNT = '123456789012';
const MASTER_HEX = '00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff';
const SECRET_ARN = `arn:aws:secretsmanager:${PROFILE_REGION}:${ACCOUNT}:secret:DataMasterKey-x1y2z3`;
const POLICY = 'Restock-DeviceFleetDevicePolicy-1A2B3C';
const THING_TYPE = 'Restock-DeviceFleetThingType-4D5E6F';
const ATS = `a1b2c3d4e5f6g7-ats.iot.${PROFILE_REGION}.amazonaws.com`;
const CERT_PEM = '-----BEGIN CERTIFICATE-----\nMIIBfake\n-----END CERTIFICATE-----\n';
const KEY_PEM = '-----BEGIN RSA PRIVATE KEY-----\nMIIEfake\n-----END RSA PRIVATE KEY-----\n';

let dynalite: DynaliteServer;
let aws: FakeAws;
let table: Table;
let folder: string;
let certificates = 0;

function answer(request: WireRequest) {
  const json = (body: unknown, contentType = 'application/json') => ({
    contentType,
    body: JSON.stringify(body),
  });
  if (request.service === 'secretsmanager' && request.operation === 'GetSecretValue') {
    return json(
      { ARN: SECRET_ARN, SecretString: JSON.stringify({ 1: MASTER_HEX }) },
      'application/x-amz-json-1.1',
    );
  }
  if (request.service !== 'iot') return undefined;
  const thing = /^\/things\/([^/]+)$/.exec(request.path)?.[1];
  if (request.method === 'GET' && request.path === '/endpoint') {
    return json({ endpointAddress: ATS });
  }
  if (request.method === 'POST' && thing) {
    return json({
      thingName: thing,
      thingArn: `arn:aws:iot:${PROFILE_REGION}:${ACCOUNT}:thing/${thing}`,
      thingId: 'id',
    });
  }
  if (request.method === 'POST' && request.path === '/keys-and-certificate') {
    certificates++;
    const id = `${certificates}`.padStart(64, 'c');
    return json({
      certificateArn: `arn:aws:iot:${PROFILE_REGION}:${ACCOUNT}:cert/${id}`,
      certificateId: id,
      certificatePem: CERT_PEM,
      keyPair: { PublicKey: 'public', PrivateKey: KEY_PEM },
    });
  }
  if (request.method === 'PUT' && request.path.startsWith('/target-policies/')) return json({});
  if (request.method === 'PUT' && /^\/things\/[^/]+\/principals$/.test(request.path)) {
    return json({});
  }
  return undefined;
}

beforeAll(async () => {
  dynalite = await startDynalite();
  table = openTable({ tableName: 'restock-provision', endpoint: dynalite.endpoint });
  await ensureTable(table);
  aws = await FakeAws.start(answer, { dynamodb: dynalite.endpoint });
  folder = await mkdtemp(join(tmpdir(), 'restock-provision-aws-'));
  await writeFile(join(folder, 'config'), `[default]\nregion = ${PROFILE_REGION}\n`);
});

afterAll(async () => {
  table?.raw.destroy();
  await aws?.close();
  await dynalite?.close();
  await rm(folder, { recursive: true, force: true });
});

function runCli(args: string[]): Promise<{ code: number | null; output: string }> {
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const name of Object.keys(env)) if (name.startsWith('AWS_')) delete env[name];
  Object.assign(env, {
    AWS_CONFIG_FILE: join(folder, 'config'),
    AWS_SHARED_CREDENTIALS_FILE: join(folder, 'no-credentials'),
    AWS_ACCESS_KEY_ID: 'AKIDPROVISIONTEST',
    AWS_SECRET_ACCESS_KEY: 'provision-test-secret',
    AWS_ENDPOINT_URL: aws.url,
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
  });
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', 'cloud/infra/provision/cli.ts', ...args],
    {
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let output = '';
  child.stdout.on('data', (chunk) => {
    output += chunk;
  });
  child.stderr.on('data', (chunk) => {
    output += chunk;
  });
  return new Promise((resolve) => child.on('close', (code) => resolve({ code, output })));
}

describe('npm run provision -- --aws, on the wire', () => {
  it('creates things with DEFAULT-mode certificates, attaches the stack’s policy, registers them, in one region', async () => {
    const out = join(folder, 'devices');
    const run = await runCli([
      '--aws',
      '--brand',
      'acme',
      '--count',
      '2',
      '--table',
      table.name,
      '--policy',
      POLICY,
      '--thing-type',
      THING_TYPE,
      '--secret',
      SECRET_ARN,
      '--out',
      out,
    ]);
    expect(run.code, run.output).toBe(0);

    // Every client signs for the profile's region: nothing lands in us-east-1 by default.
    expect(new Set(aws.requests.map((r) => r.region))).toEqual(new Set([PROFILE_REGION]));
    expect(new Set(aws.requests.map((r) => r.service))).toEqual(
      new Set(['iot', 'secretsmanager', 'dynamodb']),
    );
    expect(aws.of('secretsmanager').map((r) => r.json)).toEqual([{ SecretId: SECRET_ARN }]);

    const iot = aws.of('iot');
    const endpoint = iot.find((r) => r.path === '/endpoint');
    expect(endpoint?.query.get('endpointType')).toBe('iot:Data-ATS');
    const things = iot.filter((r) => r.method === 'POST' && r.path.startsWith('/things/'));
    expect(things).toHaveLength(2);
    for (const created of things) {
      const thing = decodeURIComponent(created.path.split('/')[2] ?? '');
      expect(thing).toMatch(/^btn-[0-9a-f]{16}$/);
      expect(created.json).toMatchObject({
        thingTypeName: THING_TYPE,
        attributePayload: { attributes: { brand: 'acme' } },
      });
      const after = iot.slice(iot.indexOf(created) + 1, iot.indexOf(created) + 4);
      // AWS IoT generates the key pair: a DEFAULT-mode certificate, active at once.
      expect(after[0]).toMatchObject({ method: 'POST', path: '/keys-and-certificate' });
      expect(after[0]?.query.get('setAsActive')).toBe('true');
      const certArn = (after[1]?.json as { target?: string } | null)?.target;
      expect(after[1]).toMatchObject({
        method: 'PUT',
        path: `/target-policies/${POLICY}`,
      });
      expect(certArn).toMatch(new RegExp(`^arn:aws:iot:${PROFILE_REGION}:${ACCOUNT}:cert/`));
      expect(after[2]).toMatchObject({ method: 'PUT', path: `/things/${thing}/principals` });
      expect(after[2]?.headers['x-amzn-principal']).toBe(certArn);

      const config = JSON.parse(await readFile(join(out, `${thing}.json`), 'utf8'));
      expect(config).toMatchObject({
        device: thing,
        kv: 1,
        broker: { host: ATS, port: 8883, tls: true },
        certificates: { cert: CERT_PEM, key: KEY_PEM },
      });
      const label = `restock-device-key/1\n${thing.length}:${thing},1:1,`;
      expect(config.secret).toBe(
        createHmac('sha256', Buffer.from(MASTER_HEX, 'hex')).update(label).digest('hex'),
      );
      const stored = await table.doc.send(
        new GetCommand({ TableName: table.name, Key: keys.button(thing) }),
      );
      expect(stored.Item).toMatchObject({ deviceId: thing, brandId: 'acme', keyVersion: 1 });
    }
    expect((await readdir(out)).sort()).toHaveLength(2);
  });

  it('refuses to start without the stack’s names instead of guessing fixed ones', async () => {
    const run = await runCli(['--aws', '--brand', 'acme', '--table', table.name]);
    expect(run.code).toBe(1);
    expect(run.output).toMatch(/--policy, --thing-type and --secret/);
    expect(aws.of('iot').length).toBeGreaterThan(0);
    const before = aws.requests.length;
    await runCli(['--aws', '--brand', 'acme', '--table', table.name]);
    expect(aws.requests.length).toBe(before);
  });
});
