import { type IoTDataPlaneClient, PublishCommand } from '@aws-sdk/client-iot-data-plane';
import type { DeliveryPublisher } from '../../core/ota/delivery.ts';

/** Publishes update answers (the signed manifest) through the IoT data plane, QoS 1. */
export class IotTopicPublisher implements DeliveryPublisher {
  constructor(private readonly client: IoTDataPlaneClient) {}

  async publish(topic: string, payload: string): Promise<void> {
    await this.client.send(
      new PublishCommand({ topic, qos: 1, payload: new TextEncoder().encode(payload) }),
    );
  }
}
