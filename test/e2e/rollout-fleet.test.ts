/**
 * A staged firmware rollout on one machine, end to end over MQTT: the brand uploads an image and
 * starts the rollout through the HTTP API of the running stack; 200 virtual buttons speak the
 * firmware's protocol through the broker (signed press, verified ack with the FIRMWARE bit,
 * signed manifest, blocks on the file-delivery topics, SHA-256, Jobs progress and result), and a
 * tenth of the updates roll back. Their reports reach the rollout through the table's outbox:
 * it widens after the first stage and aborts at the threshold; buttons it had not reached yet
 * are withdrawn and their acks stop announcing the update.
 */

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { UpdateFlag } from '#shared/index';
import { LocalIssuer } from '../../cloud/core/auth/local-issuer.ts';
import { systemClock } from '../../cloud/core/ports.ts';
import { quotaOf } from '../../cloud/core/rollouts/engine.ts';
import type { Rollout, RolloutMember } from '../../cloud/core/rollouts/model.ts';
import { localPipeline } from '../../cloud/local/pipeline.ts';
import { type RunningStack, startStack } from '../../cloud/local/stack.ts';
import {
  ABORT_RULE,
  type Api,
  apiAs,
  FLEET,
  type FleetRun,
  fleetIds,
  IMAGE,
  registerFleet,
  runFleet,
  TO_FW,
} from '../helpers/mqtt-rollout-fleet.ts';
import { quietLog, stackConfig, tempDir } from './support.ts';

let data: Awaited<ReturnType<typeof tempDir>>;
let stack: RunningStack;
let api: Api;
const log = quietLog();

beforeAll(async () => {
  data = await tempDir();
  stack = await startStack(stackConfig(data.dir, { seedDemo: false }), {
    log,
    pipeline: localPipeline,
  });
  const token = await (await LocalIssuer.open(data.dir, systemClock)).sign({
    role: 'brand',
    tenant: 'acme',
  });
  api = apiAs(stack, token);
  await registerFleet(api);
}, 120_000);

afterAll(async () => {
  await stack?.close();
  await data?.remove();
});

async function membersOf(rolloutId: string): Promise<Omit<RolloutMember, 'rolloutId'>[]> {
  const members = [];
  let cursor: string | undefined;
  do {
    const query = `limit=100${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`;
    const page = await api('GET', `/v1/brand/rollouts/${rolloutId}/buttons?${query}`);
    expect(page.status).toBe(200);
    members.push(...page.body.items);
    cursor = page.body.cursor ?? undefined;
  } while (cursor);
  return members;
}

describe('a staged rollout over 200 buttons on the broker, 10 % failing', () => {
  it('widens, aborts at the threshold, and stops announcing the update to buttons not reached', async () => {
    expect((await api('PUT', `/v1/brand/firmware/${TO_FW}`, IMAGE)).status).toBe(201);
    const created = await api('POST', '/v1/brand/rollouts', {
      fw: TO_FW,
      stages: [10, 50, 100],
      autoWidenSuccessPct: 85,
      ...ABORT_RULE,
    });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ status: 'active', stage: 0, assigned: FLEET / 10 });
    const rolloutId = created.body.rolloutId as string;

    const run: FleetRun = await runFleet(stack, data.dir);
    const { fleet, channel } = run;
    const failed = new Set(fleet.finished.filter((u) => u.failed).map((u) => u.deviceId));
    const switched = new Set(fleet.finished.filter((u) => !u.failed).map((u) => u.deviceId));

    const rollout = (await api('GET', `/v1/brand/rollouts/${rolloutId}`)).body as Rollout & {
      tally: Record<string, number>;
    };
    console.log(
      `rollout ${rollout.status} at stage ${rollout.stage} after ${run.rounds} rounds of wakes: ${JSON.stringify(rollout.abortReason)}, tally ${JSON.stringify(rollout.tally)}`,
    );
    expect(rollout.status).toBe('aborted');
    // Widened past the first stage by itself, never beyond the share of the stage it reached.
    expect(rollout.stage).toBeGreaterThanOrEqual(1);
    expect(rollout.assigned).toBeLessThanOrEqual(quotaOf(rollout));
    // At the threshold: the report that aborted it was the first to take the rate there.
    const reason = rollout.abortReason as NonNullable<Rollout['abortReason']>;
    expect(reason.code).toBe('FAILURE_THRESHOLD');
    expect(reason.finished).toBeGreaterThanOrEqual(ABORT_RULE.minFinished);
    expect(reason.failures * 100).toBeGreaterThanOrEqual(ABORT_RULE.failurePct * reason.finished);
    const oneEarlier =
      reason.finished - 1 >= ABORT_RULE.minFinished &&
      (reason.failures - 1) * 100 >= ABORT_RULE.failurePct * (reason.finished - 1);
    expect(oneEarlier).toBe(false);

    // Every report counted once: the rollout's tally is what the buttons did.
    expect(rollout.tally).toMatchObject({
      switched: switched.size,
      rolled_back: failed.size,
      pending: 0,
      downloading: 0,
      verifying: 0,
      failed: 0,
      cancelled: rollout.assigned - fleet.finished.length,
    });
    expect(rollout.tally.cancelled).toBeGreaterThan(0);

    // Per button: what each one reported, and the ones withdrawn before they started.
    const members = await membersOf(rolloutId);
    expect(members).toHaveLength(rollout.assigned);
    for (const member of members) {
      if (switched.has(member.deviceId)) expect(member.state).toBe('switched');
      else if (failed.has(member.deviceId)) {
        expect(member).toMatchObject({ state: 'rolled_back', reason: 'NO_ACK' });
      } else expect(member).toMatchObject({ state: 'cancelled', reason: 'ROLLOUT_ABORTED' });
    }

    // The last round: every button pressed and got a verified ack that announces no update.
    const untouched = fleetIds().filter((id) => !switched.has(id) && !failed.has(id));
    expect(untouched.length).toBe(FLEET - fleet.finished.length);
    for (const id of fleetIds()) {
      expect(((channel.lastAck.get(id)?.upd ?? 0) & UpdateFlag.FIRMWARE) === 0).toBe(true);
    }
    expect(log.lines.filter((line) => line.startsWith('error'))).toEqual([]);
  }, 600_000);
});
