/**
 * Issues button identities from the development CA, for the local stack's mutual-TLS broker.
 * The CA itself lives in cloud/dev (dev-ca.ts); this adapter needs only the small interface
 * below, so it does not depend on how or where the CA keeps its files.
 */
import { createHash } from 'node:crypto';
import { ensureDevCa, issueDeviceCertificate } from '../../dev/dev-ca.ts';
import type {
  BrokerAddress,
  CertificateIssuer,
  DeviceCredentials,
  DeviceIdentity,
} from './ports.ts';

export interface DevelopmentCa {
  caCertPem: string;
  /** A client certificate with CN = thing name, RSA-2048 like AWS IoT's DEFAULT-mode ones. */
  issueDeviceCertificate(deviceId: string): Promise<{ certPem: string; keyPem: string }>;
}

export class DevCaIssuer implements CertificateIssuer {
  readonly name = 'development-ca';
  private readonly ca: DevelopmentCa;
  private readonly address: BrokerAddress;

  constructor(ca: DevelopmentCa, broker: BrokerAddress) {
    this.ca = ca;
    this.address = broker;
  }

  async broker(): Promise<BrokerAddress> {
    return this.address;
  }

  async issue(device: DeviceIdentity): Promise<DeviceCredentials> {
    const { certPem, keyPem } = await this.ca.issueDeviceCertificate(device.deviceId);
    return {
      certificatePem: certPem,
      privateKeyPem: keyPem,
      caPem: this.ca.caCertPem,
      certificateId: certificateFingerprint(certPem),
    };
  }
}

/** Like AWS IoT's certificate id: the SHA-256 of the certificate's DER bytes, in hex. */
export function certificateFingerprint(pem: string): string {
  const body = pem.replace(/-----(BEGIN|END) CERTIFICATE-----/g, '').replace(/\s+/g, '');
  return createHash('sha256').update(Buffer.from(body, 'base64')).digest('hex');
}

/** The local stack's development CA (created in its data folder on first use). */
export async function localDevelopmentCa(dataDir: string): Promise<DevelopmentCa> {
  const ca = await ensureDevCa(dataDir);
  return {
    caCertPem: ca.caCertPem,
    issueDeviceCertificate: (deviceId) => issueDeviceCertificate(ca, deviceId),
  };
}
