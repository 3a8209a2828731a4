/**
 * A virtual button on its own MQTT connection, as `npm run press` connects one (its device id as
 * client id and user name, the password derived from its key), started and ready to press. Its
 * transport is added to `transports` for the caller to close.
 */
import { mqttPasswordFor } from '#shared/index';
import { nodeSha256 } from '../cloud/core/sha256.ts';
import { connectLocalTransport } from '../cloud/local/tools/button-transport.ts';
import {
  type ButtonTransport,
  MemoryButtonStateStore,
  VirtualButton,
} from '../cloud/local/tools/virtual-button.ts';

export async function connectedButton(
  mqttUrl: string,
  deviceId: string,
  deviceKey: Uint8Array,
  transports: ButtonTransport[],
): Promise<VirtualButton> {
  const transport = await connectLocalTransport({
    url: mqttUrl,
    clientId: deviceId,
    username: deviceId,
    password: mqttPasswordFor(nodeSha256, deviceKey),
  });
  transports.push(transport);
  const button = new VirtualButton({
    deviceId,
    deviceKey,
    keyVersion: 1,
    sha256: nodeSha256,
    transport,
    state: new MemoryButtonStateStore(),
    ackTimeoutMs: 30_000,
    maxAttempts: 1,
  });
  await button.start();
  return button;
}
