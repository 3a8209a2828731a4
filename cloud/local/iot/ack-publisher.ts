/**
 * Acks back to the device through the broker on its ack topic, as the IoT data plane publishes
 * them in AWS.
 */
import type { Aedes } from 'aedes';
import { type Ack, ackTopic, encodeAck } from '#shared/index';
import type { AckPublisher } from '../../core/ports.ts';

/** Publishes signed acks through the broker itself (QoS 1), bypassing client authorisation. */
export class BrokerAckPublisher implements AckPublisher {
  constructor(private aedes: Aedes) {}

  /** After a broker restart (fault injection), acks go through the new broker. */
  use(aedes: Aedes): void {
    this.aedes = aedes;
  }

  publishAck(deviceId: string, ack: Ack): Promise<void> {
    return new Promise((resolve, reject) => {
      this.aedes.publish(
        {
          cmd: 'publish',
          topic: ackTopic(deviceId),
          payload: Buffer.from(encodeAck(ack)),
          qos: 1,
          retain: false,
          dup: false,
        },
        (error?: Error) => (error ? reject(error) : resolve()),
      );
    });
  }
}
