/**
 * The local stand-in for the AWS IoT topic rule (PRESS_RULE_SQL). It sees every press the
 * broker accepted — on the press topic, and on the rule's Basic Ingest alias of it, whose
 * prefix `topic()` does not report — builds exactly the event that rule delivers and hands it
 * to the press handler (the same code the Lambda runs). Acks go back through the broker
 * (ack-publisher.ts), as the IoT data plane publishes them in AWS.
 */
import type { Aedes } from 'aedes';
import { PRESS_INGEST_PREFIX, withoutIngestPrefix } from '#shared/index';
import type { Clock, Log } from '../../core/ports.ts';
import { PRESS_TOPIC_FILTER, type PressEvent } from '../../core/press/press-event.ts';

const FILTERS = [PRESS_TOPIC_FILTER, PRESS_INGEST_PREFIX + PRESS_TOPIC_FILTER];

export type HandlePress = (event: PressEvent) => Promise<unknown>;

export interface TopicRuleDeps {
  aedes: Aedes;
  handlePress: HandlePress;
  clock: Clock;
  log: Log;
}

export interface RunningTopicRule {
  /** Presses handed to the handler and not finished yet. */
  readonly inFlight: number;
  /** Stops taking new presses and waits for the ones in flight (bounded by timeoutMs). */
  close(timeoutMs?: number): Promise<void>;
}

export async function startTopicRule(deps: TopicRuleDeps): Promise<RunningTopicRule> {
  const pending = new Set<Promise<void>>();
  let closed = false;

  const deliver = (
    packet: { topic: string; payload: Buffer | string; clientId?: string },
    callback: () => void,
  ) => {
    // The broker must not wait for the handler (AWS acknowledges the publish on receipt too).
    callback();
    if (closed) return;
    const event: PressEvent = {
      payload: Buffer.from(packet.payload).toString('base64'),
      topic: withoutIngestPrefix(packet.topic),
      clientId: packet.clientId ?? '',
      receivedAt: deps.clock.now(),
    };
    const run = deps.handlePress(event).then(
      () => undefined,
      (error: unknown) => {
        // AWS sends a failed invocation to the rule's error action (a dead-letter queue); here
        // the log is that place. The device retries with the same sequence number.
        deps.log.error('press handler failed', {
          topic: event.topic,
          clientId: event.clientId,
          error: error instanceof Error ? error.message : String(error),
        });
      },
    );
    pending.add(run);
    run.finally(() => pending.delete(run));
  };

  for (const filter of FILTERS) {
    await new Promise<void>((resolve) =>
      deps.aedes.subscribe(filter, deliver as never, () => resolve()),
    );
  }

  return {
    get inFlight() {
      return pending.size;
    },
    async close(timeoutMs = 5_000) {
      if (closed) return;
      closed = true;
      for (const filter of FILTERS) {
        await new Promise<void>((resolve) =>
          deps.aedes.unsubscribe(filter, deliver as never, () => resolve()),
        );
      }
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([
        Promise.allSettled([...pending]),
        new Promise((resolve) => {
          timer = setTimeout(resolve, timeoutMs);
        }),
      ]);
      clearTimeout(timer);
    },
  };
}
