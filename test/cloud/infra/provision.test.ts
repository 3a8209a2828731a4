import { createHash, createHmac } from 'node:crypto';
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AwsIotIssuer, amazonRootCa1 } from '../../../cloud/infra/provision/aws-issuer.ts';
import { DevCaIssuer } from '../../../cloud/infra/provision/dev-ca-issuer.ts';
import {
  type ProvisionedDeviceConfig,
  writeDeviceConfig,
} from '../../../cloud/infra/provision/device-config.ts';
import { ProvisioningError } from '../../../cloud/infra/provision/errors.ts';
import {
  masterKeyFromSecretsManager,
  parseMasterKey,
} from '../../../cloud/infra/provision/master-key.ts';
import type { ButtonRegistration, MasterKey } from '../../../cloud/infra/provision/ports.ts';
import { provisionBatch, randomDeviceId } from '../../../cloud/infra/provision/provision.ts';

const MASTER_HEX = '00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff';
const master: MasterKey = { version: 3, key: new Uint8Array(Buffer.from(MASTER_HEX, 'hex')) };
const ENDPOINT = 'a1b2c3d4e5f6g7-ats.iot.eu-central-1.amazonaws.com';

/** The derivation written out independently of shared/ (README: HMAC(master, label)). */
function expectedSecret(deviceId: string, kv: number): string {
  const label = `restock-device-key/1\n${deviceId.length}:${deviceId},${String(kv).length}:${kv},`;
  return createHmac('sha256', Buffer.from(MASTER_HEX, 'hex')).update(label).digest('hex');
}

interface Sent {
  command: string;
  input: Record<string, unknown>;
}

/** Stands in for AWS IoT (which cannot run here): records every command, answers like the API. */
function fakeIot(options: { failOn?: string } = {}) {
  const sent: Sent[] = [];
  let certs = 0;
  const client = {
    async send(command: { constructor: { name: string }; input: Record<string, unknown> }) {
      const name = command.constructor.name.replace(/Command$/, '');
      sent.push({ command: name, input: command.input });
      if (name === options.failOn) throw new Error(`${name} denied`);
      switch (name) {
        case 'DescribeEndpoint':
          return { endpointAddress: ENDPOINT };
        case 'CreateThing':
          return { thingName: command.input.thingName };
        case 'CreateKeysAndCertificate': {
          certs += 1;
          const id = String(certs).padStart(64, 'c');
          return {
            certificateArn: `arn:aws:iot:eu-central-1:123456789012:cert/${id}`,
            certificateId: id,
            certificatePem: `-----BEGIN CERTIFICATE-----\ncert${certs}\n-----END CERTIFICATE-----\n`,
            keyPair: {
              PrivateKey: `-----BEGIN RSA PRIVATE KEY-----\nkey${certs}\n-----END RSA PRIVATE KEY-----\n`,
            },
          };
        }
        default:
          return {};
      }
    },
  };
  return { sent, client: client as never };
}

function memoryRegistry() {
  const registered: ButtonRegistration[] = [];
  return {
    registered,
    registry: {
      register: async (b: ButtonRegistration) => {
        registered.push(b);
        return `code-${b.deviceId}`;
      },
    },
  };
}

const sequentialIds = () => {
  let n = 0;
  return () => `btn-test-${++n}`;
};

describe('provisioning in AWS IoT', () => {
  it('creates a thing, a DEFAULT-mode certificate, attaches the policy and the thing, per device', async () => {
    const iot = fakeIot();
    const { registered, registry } = memoryRegistry();
    const written: ProvisionedDeviceConfig[] = [];
    const configs = await provisionBatch({
      brandId: 'acme',
      count: 2,
      issuer: new AwsIotIssuer({
        client: iot.client,
        policyName: 'restock-button',
        thingTypeName: 'restock-button',
      }),
      registry,
      masterKey: master,
      output: async (c) => void written.push(c),
      newDeviceId: sequentialIds(),
      now: () => 1_700_000_000_000,
    });

    expect(iot.sent.map((s) => s.command)).toEqual([
      'DescribeEndpoint',
      ...['CreateThing', 'CreateKeysAndCertificate', 'AttachPolicy', 'AttachThingPrincipal'],
      ...['CreateThing', 'CreateKeysAndCertificate', 'AttachPolicy', 'AttachThingPrincipal'],
    ]);
    expect(iot.sent[0]?.input).toEqual({ endpointType: 'iot:Data-ATS' });
    const [, createThing, createCert, attachPolicy, attachThing] = iot.sent;
    expect(createThing?.input).toEqual({
      thingName: 'btn-test-1',
      thingTypeName: 'restock-button',
      attributePayload: { attributes: { brand: 'acme', serial: '1700000000000-1' } },
    });
    // AWS IoT generates the key pair (RSA-2048, DEFAULT mode): no CSR, no CA, no SNI_ONLY registration.
    expect(createCert?.input).toEqual({ setAsActive: true });
    const certArn = `arn:aws:iot:eu-central-1:123456789012:cert/${'1'.padStart(64, 'c')}`;
    expect(attachPolicy?.input).toEqual({ policyName: 'restock-button', target: certArn });
    expect(attachThing?.input).toEqual({ thingName: 'btn-test-1', principal: certArn });

    expect(written).toEqual(configs);
    expect(configs[0]).toEqual({
      device: 'btn-test-1',
      kv: 3,
      secret: expectedSecret('btn-test-1', 3),
      broker: { host: ENDPOINT, port: 8883, tls: true },
      certificates: {
        ca: amazonRootCa1(),
        cert: '-----BEGIN CERTIFICATE-----\ncert1\n-----END CERTIFICATE-----\n',
        key: '-----BEGIN RSA PRIVATE KEY-----\nkey1\n-----END RSA PRIVATE KEY-----\n',
      },
      brand: 'acme',
      serial: '1700000000000-1',
      certificateId: '1'.padStart(64, 'c'),
      issuer: 'aws-iot',
    });
    expect(configs[1]?.secret).toBe(expectedSecret('btn-test-2', 3));
    expect(registered).toEqual([
      {
        deviceId: 'btn-test-1',
        brandId: 'acme',
        serial: '1700000000000-1',
        keyVersion: 3,
        createdAt: 1_700_000_000_000,
      },
      {
        deviceId: 'btn-test-2',
        brandId: 'acme',
        serial: '1700000000000-2',
        keyVersion: 3,
        createdAt: 1_700_000_000_000,
      },
    ]);
  });

  it('uses Amazon Root CA 1 as the CA of the ATS endpoint', () => {
    expect(amazonRootCa1()).toMatch(/^-----BEGIN CERTIFICATE-----/);
  });

  it('stops at the failing step, naming it, and registers nothing for that device', async () => {
    const iot = fakeIot({ failOn: 'AttachPolicy' });
    const { registered, registry } = memoryRegistry();
    const written: unknown[] = [];
    const run = provisionBatch({
      brandId: 'acme',
      count: 2,
      issuer: new AwsIotIssuer({ client: iot.client, policyName: 'p', thingTypeName: 't' }),
      registry,
      masterKey: master,
      output: async (c) => void written.push(c),
      newDeviceId: sequentialIds(),
    });
    await expect(run).rejects.toBeInstanceOf(ProvisioningError);
    await expect(run).rejects.toMatchObject({
      details: { step: 'AttachPolicy', deviceId: 'btn-test-1' },
    });
    expect(registered).toEqual([]);
    expect(written).toEqual([]);
  });

  it('refuses a bad brand id or count before calling AWS', async () => {
    const iot = fakeIot();
    const base = {
      issuer: new AwsIotIssuer({ client: iot.client, policyName: 'p', thingTypeName: 't' }),
      registry: memoryRegistry().registry,
      masterKey: master,
      output: async () => {},
    };
    await expect(provisionBatch({ ...base, brandId: 'a/b', count: 1 })).rejects.toThrow(/brand/);
    await expect(provisionBatch({ ...base, brandId: 'acme', count: 0 })).rejects.toThrow(/count/);
    await expect(provisionBatch({ ...base, brandId: 'acme', count: 1.5 })).rejects.toThrow(/count/);
    expect(iot.sent).toEqual([]);
  });

  it('generates valid, distinct thing names', () => {
    const ids = new Set(Array.from({ length: 100 }, randomDeviceId));
    expect(ids.size).toBe(100);
    for (const id of ids) expect(id).toMatch(/^btn-[0-9a-f]{16}$/);
  });
});

describe('provisioning from the development CA', () => {
  it('writes configs pointing at the local TLS broker with the dev CA as trust anchor', async () => {
    const issued: string[] = [];
    const ca = {
      caCertPem: '-----BEGIN CERTIFICATE-----\nY2E=\n-----END CERTIFICATE-----\n',
      issueDeviceCertificate: async (deviceId: string) => {
        issued.push(deviceId);
        return {
          certPem: '-----BEGIN CERTIFICATE-----\nZGV2aWNl\n-----END CERTIFICATE-----\n',
          keyPem: '-----BEGIN PRIVATE KEY-----\nk\n-----END PRIVATE KEY-----\n',
        };
      },
    };
    const [config] = await provisionBatch({
      brandId: 'acme',
      count: 1,
      issuer: new DevCaIssuer(ca, { host: 'localhost', port: 8884 }),
      registry: memoryRegistry().registry,
      masterKey: master,
      output: async () => {},
      newDeviceId: sequentialIds(),
    });
    expect(issued).toEqual(['btn-test-1']);
    expect(config).toMatchObject({
      device: 'btn-test-1',
      broker: { host: 'localhost', port: 8884, tls: true },
      certificates: { ca: ca.caCertPem },
      issuer: 'development-ca',
      secret: expectedSecret('btn-test-1', 3),
    });
    // "ZGV2aWNl" is base64 of "device": the id is the SHA-256 of the DER bytes, like AWS IoT's.
    expect(config?.certificateId).toBe(createHash('sha256').update('device').digest('hex'));
  });
});

describe('master key', () => {
  it('reads the stack secret ({"1": hex}) and the local file ({current, keys})', () => {
    expect(parseMasterKey(JSON.stringify({ 1: MASTER_HEX }), 'x')).toEqual({
      version: 1,
      key: master.key,
    });
    expect(parseMasterKey(JSON.stringify({ 1: 'ab'.repeat(32), 2: MASTER_HEX }), 'x').version).toBe(
      2,
    );
    expect(parseMasterKey(JSON.stringify({ current: 3, keys: { 3: MASTER_HEX } }), 'x')).toEqual(
      master,
    );
    expect(() => parseMasterKey('{"1":"not-hex"}', 'x')).toThrow(ProvisioningError);
    expect(() => parseMasterKey('nope', 'x')).toThrow(/not JSON/);
  });

  it('loads from Secrets Manager by secret id', async () => {
    const sent: Record<string, unknown>[] = [];
    const client = {
      send: async (c: { input: Record<string, unknown> }) => {
        sent.push(c.input);
        return { SecretString: JSON.stringify({ 1: MASTER_HEX }) };
      },
    };
    const key = await masterKeyFromSecretsManager(client as never, 'restock/master-key');
    expect(sent).toEqual([{ SecretId: 'restock/master-key' }]);
    expect(key.version).toBe(1);
  });
});

describe('device configuration files', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'restock-provision-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('are owner-readable only and never overwritten', async () => {
    const config = { device: 'btn-9', secret: 'ab' } as ProvisionedDeviceConfig;
    const path = await writeDeviceConfig(dir, config);
    expect(path).toBe(join(dir, 'btn-9.json'));
    expect(JSON.parse(await readFile(path, 'utf8'))).toEqual(config);
    expect((await stat(path)).mode & 0o777).toBe(0o600);
    await expect(writeDeviceConfig(dir, config)).rejects.toThrow(/EEXIST/);
  });
});
