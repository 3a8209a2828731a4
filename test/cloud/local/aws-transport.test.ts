/**
 * The `--aws` transport (aws-iot-device-sdk-v2, MQTT 3.1.1 over mutual TLS) against the local
 * broker's TLS port, which applies the AWS IoT policy: a refused subscription (SUBACK 0x80) is an
 * error the user sees, not a wait for acks that can never come.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { connectAwsTransport } from '../../../cloud/local/tools/button-transport.ts';
import type { ButtonTransport } from '../../../cloud/local/tools/virtual-button.ts';
import { startTestBroker, type TestBroker } from './support.ts';

let t: TestBroker;
let transport: ButtonTransport;

beforeAll(async () => {
  t = await startTestBroker();
  const cert = await t.deviceCert('dev-a');
  transport = await connectAwsTransport({
    endpoint: '127.0.0.1',
    port: t.broker.tlsPort as number,
    clientId: 'dev-a',
    certPath: cert.certPath,
    keyPath: cert.keyPath,
    caPath: t.ca.caCertPath,
  });
});

afterAll(async () => {
  await transport?.close();
  await t?.close();
});

it('subscribes to its own ack topic', async () => {
  await expect(transport.subscribe('restock/v1/dev-a/ack')).resolves.toBeUndefined();
});

it("rejects with SUBSCRIBE_REFUSED when the broker refuses another device's ack topic", async () => {
  await expect(transport.subscribe('restock/v1/dev-b/ack')).rejects.toMatchObject({
    code: 'SUBSCRIBE_REFUSED',
  });
});
