/**
 * What the data folder keeps between starts: the master key (0600) and the development CA
 * (keys 0600) are created once and reused, so device certificates and passwords stay valid;
 * flags and environment variables choose ports and folder, with errors that name the fix.
 */
import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { PRESS_RULE_NAME } from '#shared/index';
import { ensureDevCa, ensureDeviceCertificate } from '../../../cloud/dev/dev-ca.ts';
import { ensureMasterKey } from '../../../cloud/dev/master-key-file.ts';
import { parseStackConfig } from '../../../cloud/local/config.ts';
import {
  filterCovers,
  mayPublish,
  maySubscribe,
  topicMatches,
} from '../../../cloud/local/iot/policy.ts';
import { tempDataDir } from './support.ts';

let data: Awaited<ReturnType<typeof tempDataDir>>;
beforeEach(async () => {
  data = await tempDataDir();
});
afterEach(async () => {
  await data.remove();
});

const mode = async (path: string) => (await stat(path)).mode & 0o777;

describe('the data folder', () => {
  it('creates the master key once, version 1, readable by its owner only', async () => {
    const first = await ensureMasterKey(data.dir);
    const again = await ensureMasterKey(data.dir);
    expect(first.current).toBe(1);
    expect(first.keys.get(1)).toHaveLength(32);
    expect(again.keys.get(1)).toEqual(first.keys.get(1));
    expect(await mode(join(data.dir, 'master-key.json'))).toBe(0o600);
  });

  it('keeps the development CA and device certificates across starts', async () => {
    const ca = await ensureDevCa(data.dir);
    const cert = await ensureDeviceCertificate(data.dir, ca, 'dev-a');
    const again = await ensureDevCa(data.dir);
    expect(again.caCertPem).toBe(ca.caCertPem);
    expect(again.server.certPem).toBe(ca.server.certPem);
    expect((await ensureDeviceCertificate(data.dir, again, 'dev-a')).certPem).toBe(cert.certPem);
    expect(await mode(join(ca.dir, 'ca.key'))).toBe(0o600);
    expect(await mode(join(ca.dir, 'server.key'))).toBe(0o600);
    expect(await mode(cert.keyPath)).toBe(0o600);
    const { X509Certificate } = await import('node:crypto');
    const x509 = new X509Certificate(cert.certPem);
    expect(x509.subject).toContain('CN=dev-a');
    expect(x509.checkIssued(new X509Certificate(ca.caCertPem))).toBe(true);
    expect(x509.publicKey.asymmetricKeyDetails?.modulusLength).toBe(2048);
  });

  it('refuses to issue a certificate for something that is not a thing name', async () => {
    const ca = await ensureDevCa(data.dir);
    await expect(ensureDeviceCertificate(data.dir, ca, 'a/b')).rejects.toThrow(
      /not a valid thing name/,
    );
  });
});

describe('npm start configuration', () => {
  it('uses the documented defaults', () => {
    expect(parseStackConfig([], {}, '/home/me/restock')).toEqual({
      host: '127.0.0.1',
      dataDir: '/home/me/restock/.restock',
      mqttPort: 1883,
      mqttTlsPort: 8883,
      httpPort: 8787,
      tableName: 'restock',
      dynamodbEndpoint: undefined,
      sweepIntervalMs: 10_000,
      seedDemo: true,
    });
  });

  it('takes flags over environment variables', () => {
    const config = parseStackConfig(
      ['--mqtt-port', '1884', '--data-dir', 'elsewhere', '--no-demo'],
      {
        RESTOCK_MQTT_PORT: '1999',
        RESTOCK_MQTTS_PORT: '8884',
        DYNAMODB_ENDPOINT: 'http://localhost:8000',
      },
      '/w',
    );
    expect(config).toMatchObject({
      mqttPort: 1884,
      mqttTlsPort: 8884,
      dataDir: '/w/elsewhere',
      seedDemo: false,
      dynamodbEndpoint: 'http://localhost:8000',
    });
  });

  it('names the flag or variable to fix', () => {
    expect(() => parseStackConfig(['--http-port', 'eighty'], {}, '/w')).toThrow(
      /--http-port must be a port number/,
    );
    expect(() => parseStackConfig([], { RESTOCK_MQTT_PORT: '70000' }, '/w')).toThrow(
      /RESTOCK_MQTT_PORT/,
    );
    expect(() => parseStackConfig(['--bogus'], {}, '/w')).toThrow(/Usage: npm start/);
  });
});

describe('the policy, as AWS IoT applies it', () => {
  const device = { kind: 'device' as const, deviceId: 'btn-1' };
  it('lets a device publish its own press topic and subscribe its own ack topic, literally', () => {
    expect(mayPublish(device, 'restock/v1/btn-1/press')).toBe(true);
    expect(mayPublish(device, 'restock/v1/btn-2/press')).toBe(false);
    expect(mayPublish(device, 'restock/v1/btn-1/ack')).toBe(false);
    expect(maySubscribe(device, 'restock/v1/btn-1/ack')).toBe(true);
    for (const filter of ['restock/v1/+/ack', 'restock/v1/btn-1/#', '#', 'restock/v1/btn-1/+']) {
      expect(maySubscribe(device, filter)).toBe(false);
    }
  });

  it("lets a device press through the press rule's Basic Ingest topic, its own only; nobody subscribes there", () => {
    const ingest = (id: string) => `$aws/rules/${PRESS_RULE_NAME}/restock/v1/${id}/press`;
    expect(mayPublish(device, ingest('btn-1'))).toBe(true);
    expect(mayPublish(device, ingest('btn-2'))).toBe(false);
    expect(mayPublish(device, '$aws/rules/other_rule/restock/v1/btn-1/press')).toBe(false);
    const everything = {
      kind: 'service' as const,
      name: 'ops',
      publish: ['#'],
      subscribe: ['#'],
    };
    expect(maySubscribe(everything, ingest('btn-1'))).toBe(false);
    expect(maySubscribe(everything, '$aws/rules/#')).toBe(false);
    expect(maySubscribe(device, ingest('btn-1'))).toBe(false);
  });

  it('matches service filters with MQTT wildcards', () => {
    expect(filterCovers('restock/v1/+/press', 'restock/v1/btn-1/press')).toBe(true);
    expect(filterCovers('restock/v1/+/press', 'restock/v1/+/press')).toBe(true);
    expect(filterCovers('restock/v1/+/press', 'restock/v1/#')).toBe(false);
    expect(filterCovers('restock/#', 'restock/v1/x/ack')).toBe(true);
    expect(filterCovers('restock/v1/+/press', 'restock/v1/a/b/press')).toBe(false);
    expect(topicMatches('restock/v1/+/ack', 'restock/v1/+/ack')).toBe(false);
  });
});
