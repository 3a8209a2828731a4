/**
 * What the updates Lambda does with input the IoT rules could not have produced: each is
 * refused with a reason, logged without its payload (reported settings may carry Wi-Fi
 * passwords), and reaches neither the table nor the rollout engine — so Lambda never retries
 * it into the dead-letter queue.
 */
import { describe, expect, it } from 'vitest';
import { type UpdateTopicEvent, UpdateTopics } from '../../../cloud/lambdas/aws/update-topics.ts';
import { MemoryLog } from '../../helpers/world.ts';

function topics() {
  const calls: string[] = [];
  const log = new MemoryLog();
  const record =
    (name: string) =>
    async (..._args: unknown[]): Promise<never> => {
      calls.push(name);
      return null as never;
    };
  const handler = new UpdateTopics({
    delivery: { sendManifest: record('sendManifest'), recordSettings: record('recordSettings') },
    assignments: { report: record('assignments.report') },
    rollouts: { report: record('rollouts.report'), sweep: record('sweep') },
    log,
  });
  return { handler, calls, log };
}

const jobEvent = {
  eventType: 'JOB_EXECUTION',
  eventId: 'e-1',
  timestamp: 1_764_000_000,
  operation: 'failed',
  jobId: 'ro_1',
  thingArn: 'arn:aws:iot:eu-central-1:123456789012:thing/btn-1',
  status: 'FAILED',
  statusDetails: { state: 'failed', fw: '7', reason: 'IMAGE_HASH' },
};

describe('the updates Lambda refuses what no rule sends', () => {
  const refusals: [string, unknown, string][] = [
    [
      'a thing name that is no device id',
      { kind: 'manifest/get', deviceId: 'a/b' },
      'BAD_DEVICE_ID',
    ],
    ['a manifest request without a thing', { kind: 'manifest/get' }, 'BAD_DEVICE_ID'],
    [
      'a shadow report that is not an object',
      { kind: 'shadow/reported', deviceId: 'btn-1', reported: 'x' },
      'MALFORMED',
    ],
    [
      'a shadow report without the settings version',
      {
        kind: 'shadow/reported',
        deviceId: 'btn-1',
        reported: { led: 3, wifi: [{ ssid: 'home', pass: 'secret-pass' }] },
      },
      'NO_SETTINGS_VERSION',
    ],
    ['an event of no known kind', { kind: 'reboot', deviceId: 'btn-1' }, 'UNKNOWN_EVENT'],
    [
      'a job event for a thing ARN that names no device',
      { ...jobEvent, thingArn: 'arn:aws:iot:eu-central-1:123456789012:thing/' },
      'BAD_DEVICE_ID',
    ],
  ];

  it.each(refusals)(
    '%s: refused with its reason, logged, nothing written',
    async (_, event, reason) => {
      const { handler, calls, log } = topics();
      expect(await handler.handle(event as UpdateTopicEvent)).toEqual({ done: 'ignored', reason });
      expect(calls).toEqual([]);
      expect(log.lines).toEqual([
        {
          level: 'warn',
          message: 'update topic event refused',
          data: expect.objectContaining({ reason }),
        },
      ]);
      expect(JSON.stringify(log.lines)).not.toContain('secret-pass');
    },
  );

  it('a job event that reports nothing (cancelled) is ignored quietly; a finished one reaches table and engine', async () => {
    const { handler, calls, log } = topics();
    const cancelled = { ...jobEvent, status: 'CANCELED', operation: 'canceled' };
    expect(await handler.handle(cancelled)).toEqual({ done: 'ignored', reason: 'NOT_A_REPORT' });
    expect(calls).toEqual([]);
    expect(log.lines).toEqual([]);
    expect(await handler.handle(jobEvent)).toEqual({ done: 'report' });
    expect(calls).toEqual(['assignments.report', 'rollouts.report']);
  });
});
