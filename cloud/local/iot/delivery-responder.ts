/**
 * The local stand-in for AWS IoT Jobs, MQTT-based file delivery and Device Shadow: it takes
 * what buttons publish on those topics (the broker's policy already limited each button to its
 * own thing name) and answers through the broker with the core's UpdateDelivery.
 */
import type { Aedes } from 'aedes';
import type { UpdateDelivery } from '../../core/ota/delivery.ts';
import type { Log } from '../../core/ports.ts';

const FILTERS = [
  'restock/v1/+/manifest/get',
  '$aws/things/+/streams/+/get/json',
  '$aws/things/+/jobs/+/update',
  '$aws/things/+/shadow/get',
  '$aws/things/+/shadow/update',
];

export interface RunningResponder {
  close(): Promise<void>;
}

/** Publishes through the broker itself (QoS 1), as the IoT services answer in AWS. */
export function brokerPublisher(aedes: () => Aedes) {
  return {
    publish: (topic: string, payload: string) =>
      new Promise<void>((resolve, reject) =>
        aedes().publish(
          {
            cmd: 'publish',
            topic,
            payload: Buffer.from(payload),
            qos: 1,
            retain: false,
            dup: false,
          },
          (error?: Error) => (error ? reject(error) : resolve()),
        ),
      ),
  };
}

export async function startDeliveryResponder(
  aedes: Aedes,
  delivery: UpdateDelivery,
  log: Log,
): Promise<RunningResponder> {
  const deliver = (packet: { topic: string; payload: Buffer | string }, callback: () => void) => {
    callback();
    delivery
      .handle(packet.topic, Buffer.from(packet.payload).toString('utf8'))
      .catch((error: unknown) =>
        log.error('delivery request failed', {
          topic: packet.topic,
          error: error instanceof Error ? error.message : String(error),
        }),
      );
  };
  for (const filter of FILTERS) {
    await new Promise<void>((resolve) =>
      aedes.subscribe(filter, deliver as never, () => resolve()),
    );
  }
  return {
    async close() {
      for (const filter of FILTERS) {
        await new Promise<void>((resolve) =>
          aedes.unsubscribe(filter, deliver as never, () => resolve()),
        );
      }
    },
  };
}
