/**
 * The ports of fleet provisioning. The batch logic (provision.ts) only sees these, so the AWS
 * path is testable with an injected client and the development path with a fake CA.
 */

/** A button's identity as the batch assigns it. */
export interface DeviceIdentity {
  deviceId: string;
  brandId: string;
  serial: string;
}

/** Everything a button needs to open its TLS connection; PEM text throughout. */
export interface DeviceCredentials {
  certificatePem: string;
  privateKeyPem: string;
  /** The CA that signed the broker's certificate (Amazon Root CA 1 in AWS, the dev CA locally). */
  caPem: string;
  /** The issuer's id for the certificate (AWS certificate id, or the dev CA's serial). */
  certificateId: string;
}

export interface BrokerAddress {
  host: string;
  port: number;
}

/** Creates a device's identity at the broker: thing, certificate and policy in AWS IoT. */
export interface CertificateIssuer {
  readonly name: string;
  broker(): Promise<BrokerAddress>;
  issue(device: DeviceIdentity): Promise<DeviceCredentials>;
}

/** A button as the brand registers it: unclaimed, unbound, on a key version. */
export interface ButtonRegistration extends DeviceIdentity {
  keyVersion: number;
  createdAt: number;
}

/** Records buttons for their brand so the press pipeline and the API know them. */
export interface ButtonRegistry {
  /** Returns the button's one-time claim code (printed for the household, never stored). */
  register(button: ButtonRegistration): Promise<string>;
}

/** The master key a batch derives its device secrets from. */
export interface MasterKey {
  version: number;
  key: Uint8Array;
}
