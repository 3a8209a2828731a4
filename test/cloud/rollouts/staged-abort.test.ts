/**
 * A staged rollout over 200 virtual buttons of which 10 % fail, through the API: it widens while
 * stages succeed, aborts at exactly the report that takes the failure rate to the threshold,
 * withdraws every assignment not yet started, and leaves switched buttons switched. Seeded: the
 * same run every time.
 */
import { describe, expect, it } from 'vitest';
import { quotaOf } from '../../../cloud/core/rollouts/engine.ts';
import { Rollouts } from '../../../cloud/core/rollouts/rollouts.ts';
import { expectedAbort } from '../../helpers/abort-oracle.ts';
import { portsUpdateChannel } from '../../helpers/ports-update-channel.ts';
import { outcomes, seeded, VirtualFleet } from '../../helpers/virtual-fleet.ts';
import { button } from '../../helpers/world.ts';
import { ApiHarness } from '../api/helpers/harness.ts';

const FLEET = 200;
const RULE = { failurePct: 8, minFinished: 20 };
/** A seed whose first stage passes (1 failure in 20), so the abort comes in the second stage. */
const SEED = 5;

describe('staged rollout over 200 virtual buttons, 10 % failing', () => {
  it('aborts at the threshold, withdraws the rest, keeps switched buttons', async () => {
    const h = await ApiHarness.open();
    const ids = Array.from({ length: FLEET }, (_, i) => `vb-${String(i).padStart(3, '0')}`);
    for (const id of ids) await h.world.store.putButton(button(id));
    const { api } = h.world.store;
    const { ota } = h;
    await ota.firmware.put('acme', 42, new Uint8Array(2048).fill(7));
    const acme = await h.token('brand', 'acme');
    const created = await h.call('POST', '/v1/brand/rollouts', {
      token: acme,
      body: { fw: 42, stages: [10, 50, 100], autoWidenSuccessPct: 85, ...RULE },
    });
    expect(created.status).toBe(201);
    const rolloutId = created.body.rolloutId as string;
    // Reports reach the engine the way a second Lambda instance would: its own service, same store.
    const engine = new Rollouts({
      store: api.rollouts,
      fleet: api.buttons,
      assigner: ota.updates,
      images: ota.firmware,
      clock: h.clock,
      newId: () => 'unused',
      log: h.world.log,
    });
    const random = seeded(SEED);
    const channel = portsUpdateChannel(ota, engine, 'acme', random);
    const fleet = new VirtualFleet(ids, channel, outcomes(FLEET, FLEET / 10, random), random);
    await fleet.wakeUntilIdle();

    const expected = expectedAbort(fleet.finished, RULE);
    expect(expected).not.toBeNull();
    const rollout = (await h.call('GET', `/v1/brand/rollouts/${rolloutId}`, { token: acme })).body;
    expect(rollout.status).toBe('aborted');
    expect(rollout.abortReason).toMatchObject({
      code: 'FAILURE_THRESHOLD',
      failures: expected?.failures,
      finished: expected?.finished,
    });
    // Widened once (10 % → 50 %), never past the second stage's share.
    expect(rollout.stage).toBe(1);
    expect(rollout.assigned).toBeLessThanOrEqual(quotaOf(rollout));
    expect(expected).toEqual({ failures: 4, finished: 44 });
    expect(rollout.tally.pending).toBe(0);
    expect(rollout.tally.cancelled).toBe(rollout.assigned - fleet.finished.length);
    expect(rollout.tally.cancelled).toBeGreaterThan(0);
    const switched = fleet.finished.filter((u) => !u.failed).length;
    expect(rollout.tally.switched).toBe(switched);
    expect(rollout.tally.rolled_back).toBe(fleet.finished.length - switched);
    await h.close();
  });
});
