import { type IoTDataPlaneClient, PublishCommand } from '@aws-sdk/client-iot-data-plane';
import { type Ack, ackTopic, encodeAck } from '#shared/index';
import type { AckPublisher } from '../../core/ports.ts';

/** Publishes acks through the IoT data plane, QoS 1, on the device's own ack topic. */
export class IotAckPublisher implements AckPublisher {
  constructor(private readonly client: IoTDataPlaneClient) {}

  async publishAck(deviceId: string, ack: Ack): Promise<void> {
    await this.client.send(
      new PublishCommand({
        topic: ackTopic(deviceId),
        qos: 1,
        payload: new TextEncoder().encode(encodeAck(ack)),
      }),
    );
  }
}
