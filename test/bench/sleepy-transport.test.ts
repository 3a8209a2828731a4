/**
 * The soak's sleepy button on the wire, against the local broker: a persistent session keeps the
 * ack subscription between wakes (as the firmware relies on), a wake learns at once that its
 * connection is gone, and a refused CONNECT is an error, not a hang.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ackTopic, pressTopic } from '#shared/index';
import { openSleepySession } from '../../bench/soak/sleepy-transport.ts';
import { eventually, startTestBroker, type TestBroker } from '../cloud/local/support.ts';

let t: TestBroker;
beforeEach(async () => {
  t = await startTestBroker();
});
afterEach(async () => {
  await t.close();
});

const wake = async (deviceId: string, password?: string) =>
  openSleepySession({
    host: '127.0.0.1',
    port: t.broker.port as number,
    clientId: deviceId,
    password: password ?? (await t.passwordFor(deviceId)),
    timeoutMs: 2_000,
  });

/** What the stack's ack publisher does: a publish by the broker itself on the ack topic. */
const publishAck = (deviceId: string, text: string) =>
  new Promise<void>((resolve, reject) =>
    t.broker.aedes.publish(
      {
        cmd: 'publish',
        topic: ackTopic(deviceId),
        payload: Buffer.from(text),
        qos: 1,
        retain: false,
        dup: false,
      },
      (error?: Error) => (error ? reject(error) : resolve()),
    ),
  );

describe('a sleepy session', () => {
  it('subscribes on its first wake only: the broker keeps the subscription, and the next wake hears acks', async () => {
    let subscribes = 0;
    t.broker.aedes.on('subscribe', () => {
      subscribes++;
    });
    const first = await wake('dev-a');
    await first.subscribe(ackTopic('dev-a'));
    await first.publish(pressTopic('dev-a'), '{}');
    await first.close();

    const second = await wake('dev-a');
    const heard: string[] = [];
    second.onMessage((topic, payload) => heard.push(`${topic} ${payload}`));
    await second.subscribe(ackTopic('dev-a'));
    await publishAck('dev-a', 'ack-2');
    await eventually(() => heard.length > 0);
    expect(heard).toEqual([`${ackTopic('dev-a')} ack-2`]);
    expect(subscribes).toBe(1);
    await second.close();
  });

  it('settles `closed` when the broker goes away, and a publish then fails instead of hanging', async () => {
    const session = await wake('dev-b');
    await session.subscribe(ackTopic('dev-b'));
    await t.broker.close();
    await session.closed;
    await expect(session.publish(pressTopic('dev-b'), '{}')).rejects.toMatchObject({
      code: 'NO_BROKER',
    });
  });

  it('rejects a refused CONNECT with its return code', async () => {
    await expect(wake('dev-a', 'not-the-password')).rejects.toMatchObject({
      code: 'NOT_CONNECTED',
      details: { returnCode: 4 },
    });
  });
});
