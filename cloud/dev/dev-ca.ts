/**
 * The development certificate authority for the local broker's mutual TLS: a CA, a server
 * certificate for loopback and one client certificate per device (CN = thing name), all
 * RSA-2048 like the DEFAULT-mode certificates provisioning issues in AWS.
 * Generated on first start and kept in the data folder; the provisioning command reuses
 * ensureDevCa and issueDeviceCertificate.
 */
import { webcrypto } from 'node:crypto';
import { join } from 'node:path';
import type * as X509 from '@peculiar/x509';
import { isDeviceId } from '#shared/index';
import { LocalConfigError } from './errors.ts';
import { readTextIfExists, writeFileAtomic } from './files.ts';
import { loadX509 } from './x509.ts';

type CryptoKey = webcrypto.CryptoKey;

const RSA: webcrypto.RsaHashedKeyGenParams = {
  name: 'RSASSA-PKCS1-v1_5',
  hash: 'SHA-256',
  publicExponent: new Uint8Array([1, 0, 1]),
  modulusLength: 2048,
};

const DAY_MS = 24 * 60 * 60 * 1000;
const CA_CN = 'Restock Development CA';

export interface CertificateFiles {
  certPath: string;
  keyPath: string;
  certPem: string;
  keyPem: string;
}

export interface DevCa {
  dir: string;
  caCertPath: string;
  caCertPem: string;
  server: CertificateFiles;
  /** Signing material; stays in memory and in the 0600 key file. */
  readonly signer: { cert: X509.X509Certificate; key: CryptoKey };
}

export function devCaDir(dataDir: string): string {
  return join(dataDir, 'tls');
}

export function deviceCertificatePaths(dataDir: string, deviceId: string) {
  const dir = join(devCaDir(dataDir), 'devices');
  return { certPath: join(dir, `${deviceId}.crt`), keyPath: join(dir, `${deviceId}.key`) };
}

/** Loads the CA and server certificate from the data folder, creating them where missing. */
export async function ensureDevCa(dataDir: string): Promise<DevCa> {
  const x509 = await loadX509();
  const dir = devCaDir(dataDir);
  const caCertPath = join(dir, 'ca.crt');
  const caKeyPath = join(dir, 'ca.key');
  let caCertPem = await readTextIfExists(caCertPath);
  let caKeyPem = await readTextIfExists(caKeyPath);
  let signer: DevCa['signer'];
  if (caCertPem === null || caKeyPem === null) {
    const keys = await webcrypto.subtle.generateKey(RSA, true, ['sign', 'verify']);
    const cert = await x509.X509CertificateGenerator.createSelfSigned({
      serialNumber: randomSerial(),
      name: `CN=${CA_CN}, O=Restock`,
      notBefore: new Date(Date.now() - DAY_MS),
      notAfter: new Date(Date.now() + 3650 * DAY_MS),
      keys,
      signingAlgorithm: RSA,
      extensions: [
        new x509.BasicConstraintsExtension(true, 0, true),
        new x509.KeyUsagesExtension(
          x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign,
          true,
        ),
        await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
      ],
    });
    caKeyPem = await privateKeyPem(keys.privateKey);
    caCertPem = cert.toString('pem');
    // Key first: a certificate without its key is useless, a key without a certificate is redone.
    await writeFileAtomic(caKeyPath, caKeyPem, 0o600);
    await writeFileAtomic(caCertPath, caCertPem);
    signer = { cert, key: keys.privateKey };
  } else {
    signer = await loadSigner(caCertPem, caKeyPem, caCertPath);
  }
  const server = await ensureIssued(
    { certPath: join(dir, 'server.crt'), keyPath: join(dir, 'server.key') },
    () => issueServerCertificate(signer),
  );
  return { dir, caCertPath, caCertPem, server, signer };
}

/** Issues a client certificate whose CN is the thing name (the identity the broker trusts). */
export async function issueDeviceCertificate(
  ca: Pick<DevCa, 'signer'>,
  deviceId: string,
): Promise<{ certPem: string; keyPem: string }> {
  if (!isDeviceId(deviceId)) {
    throw new LocalConfigError(
      `"${deviceId}" is not a valid thing name: use 1-48 characters from A-Z a-z 0-9 _ -`,
      { deviceId },
    );
  }
  return issueLeaf(ca.signer, deviceId, 'clientAuth', []);
}

/** The device's certificate from the data folder, issued and saved on first use. */
export async function ensureDeviceCertificate(
  dataDir: string,
  ca: Pick<DevCa, 'signer'>,
  deviceId: string,
): Promise<CertificateFiles> {
  return ensureIssued(deviceCertificatePaths(dataDir, deviceId), () =>
    issueDeviceCertificate(ca, deviceId),
  );
}

async function ensureIssued(
  paths: { certPath: string; keyPath: string },
  issue: () => Promise<{ certPem: string; keyPem: string }>,
): Promise<CertificateFiles> {
  const certPem = await readTextIfExists(paths.certPath);
  const keyPem = await readTextIfExists(paths.keyPath);
  if (certPem !== null && keyPem !== null) return { ...paths, certPem, keyPem };
  const issued = await issue();
  await writeFileAtomic(paths.keyPath, issued.keyPem, 0o600);
  await writeFileAtomic(paths.certPath, issued.certPem);
  return { ...paths, ...issued };
}

async function issueServerCertificate(signer: DevCa['signer']) {
  return issueLeaf(signer, 'localhost', 'serverAuth', [
    { type: 'dns', value: 'localhost' },
    { type: 'ip', value: '127.0.0.1' },
    { type: 'ip', value: '::1' },
  ]);
}

async function issueLeaf(
  signer: DevCa['signer'],
  commonName: string,
  usage: 'clientAuth' | 'serverAuth',
  altNames: X509.JsonGeneralName[],
): Promise<{ certPem: string; keyPem: string }> {
  const x509 = await loadX509();
  const keys = await webcrypto.subtle.generateKey(RSA, true, ['sign', 'verify']);
  const extensions: X509.Extension[] = [
    new x509.BasicConstraintsExtension(false, undefined, true),
    new x509.KeyUsagesExtension(
      x509.KeyUsageFlags.digitalSignature | x509.KeyUsageFlags.keyEncipherment,
      true,
    ),
    new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage[usage]]),
    await x509.AuthorityKeyIdentifierExtension.create(signer.cert),
  ];
  if (altNames.length > 0) extensions.push(new x509.SubjectAlternativeNameExtension(altNames));
  const cert = await x509.X509CertificateGenerator.create({
    serialNumber: randomSerial(),
    subject: `CN=${commonName}, O=Restock`,
    issuer: signer.cert.subject,
    notBefore: new Date(Date.now() - DAY_MS),
    notAfter: new Date(Date.now() + 825 * DAY_MS),
    publicKey: keys.publicKey,
    signingKey: signer.key,
    signingAlgorithm: RSA,
    extensions,
  });
  return { certPem: cert.toString('pem'), keyPem: await privateKeyPem(keys.privateKey) };
}

async function loadSigner(certPem: string, keyPem: string, where: string) {
  const x509 = await loadX509();
  try {
    const cert = new x509.X509Certificate(certPem);
    const der = x509.PemConverter.decodeFirst(keyPem);
    const key = await webcrypto.subtle.importKey('pkcs8', der, RSA, false, ['sign']);
    return { cert, key };
  } catch (error) {
    throw new LocalConfigError(
      `the development CA in ${where} cannot be read: delete the tls folder in the data folder to generate a new one (device certificates must then be re-issued)`,
      { where },
      error,
    );
  }
}

async function privateKeyPem(key: CryptoKey): Promise<string> {
  const x509 = await loadX509();
  const der = await webcrypto.subtle.exportKey('pkcs8', key);
  return x509.PemConverter.encode(der, 'PRIVATE KEY');
}

function randomSerial(): string {
  const bytes = webcrypto.getRandomValues(new Uint8Array(16));
  bytes[0] = (bytes[0] as number) & 0x7f; // positive INTEGER
  return Buffer.from(bytes).toString('hex');
}
