import { spawnSync } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigFileError, flashFiles, pemToDer } from '../../device/scripts/flash-config.ts';

const SECRET = 'a1'.repeat(32);
const base = {
  device: 'btn-0001',
  kv: 1,
  secret: SECRET,
  broker: { host: 'example-ats.iot.eu-west-1.amazonaws.com', port: 8883, tls: true },
  wifi: { ssid: 'home', password: 'wifi-password' },
};
const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
const KEY_PEM = privateKey.export({ format: 'pem', type: 'pkcs8' }).toString();
const KEY_DER = privateKey.export({ format: 'der', type: 'pkcs8' });
// Any PEM block works for the byte conversion; a certificate is the same framing.
const CERT_PEM = KEY_PEM.replace(/PRIVATE KEY/g, 'CERTIFICATE');

describe('config file → flash files', () => {
  it('writes the settings file and the certificates as DER bytes', () => {
    const files = flashFiles({
      ...base,
      certificates: { cert: CERT_PEM, key: KEY_PEM, ca: CERT_PEM },
    });
    expect(files.map((f) => f.name)).toEqual(['rs.cfg', 'rs.crt', 'rs.key', 'rs.ca']);
    const settings = JSON.parse(files[0]?.content ?? '');
    expect(settings).toMatchObject({
      device: 'btn-0001',
      kv: 1,
      secret: SECRET,
      wifi: { ssid: 'home' },
    });
    expect(settings.certificates).toBeUndefined();
    expect(Buffer.from(files[2]?.content ?? '', 'latin1').equals(KEY_DER)).toBe(true);
  });

  it('needs no certificates on a plain-TCP broker', () => {
    const files = flashFiles({ ...base, broker: { host: '127.0.0.1', port: 1883, tls: false } });
    expect(files.map((f) => f.name)).toEqual(['rs.cfg']);
  });

  it.each([
    [{ ...base, certificates: { key: KEY_PEM } }, 'certificates.cert'],
    [{ ...base, secret: 'zz' }, 'secret'],
    [{ ...base, device: 'bad id!' }, 'device'],
    [{ ...base, broker: { ...base.broker, port: 70000 } }, 'broker.port'],
    [{ ...base, wifi: { password: 'x' } }, 'wifi.ssid'],
  ])('names the bad field, never its value (%#)', (config, field) => {
    expect(() => flashFiles(config)).toThrow(ConfigFileError);
    expect(() => flashFiles(config)).toThrow(field);
    try {
      flashFiles(config);
    } catch (error) {
      expect((error as Error).message).not.toContain(SECRET);
    }
  });

  it('refuses text that is not PEM', () => {
    expect(() => pemToDer('not a certificate', 'cert')).toThrow('certificates.cert');
  });
});

describe('npm run flash', () => {
  const run = (args: string[]) =>
    spawnSync(process.execPath, ['--import', 'tsx', 'device/scripts/flash.ts', ...args], {
      encoding: 'utf8',
    });

  it('validates its inputs and explains the usage', () => {
    const missing = run(['--config', 'nowhere.json']);
    expect(missing.status).toBe(2);
    expect(missing.stderr).toContain('--port is required');
    expect(missing.stderr).toContain('usage: npm run flash');
  });

  it('dry run: lists what it would write without printing a secret', () => {
    const dir = mkdtempSync(join(tmpdir(), 'restock-flash-test-'));
    const file = join(dir, 'device.json');
    writeFileSync(
      file,
      JSON.stringify({ ...base, certificates: { cert: CERT_PEM, key: KEY_PEM } }),
    );
    const result = run(['--config', file, '--dry-run']);
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
    expect(result.stdout).toContain('rs.cfg');
    expect(result.stdout).toContain('rs.key');
    for (const secret of [SECRET, 'wifi-password']) expect(result.stdout).not.toContain(secret);
  });
});
